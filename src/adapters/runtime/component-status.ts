import type { Probe } from '../../lesson/model.js';
import { readLesson } from '../lessons/lesson-files.js';
import type { WorkdirRuntime } from './workdir-runtime.js';
import { processTable } from '../processes/process-tree.js';

/** One component as `demystify status` shows it. */
export interface ComponentStatus {
  name: string;
  session: string;
  /** Its tmux session exists. */
  session_present: boolean;
  /** The process running in the session (the shell's child), if any. */
  pid?: number;
  alive: boolean;
  /** Its probes pass now. */
  ready: boolean;
  /** What the probes said (`HTTP 200`, `ECONNREFUSED`), or why they were not asked. */
  detail: string;
  /** When the engine saw it ready (epoch ms). */
  since?: number;
}

/**
 * The components of a work directory: those the lesson declares (when its file still reads) and those the
 * engine started, each with its session, its process, and its probes asked once now.
 */
export async function componentStatuses(runtime: WorkdirRuntime): Promise<ComponentStatus[]> {
  const state = await runtime.refresh();
  const declared = new Map<string, { session: string; ready: Probe[] }>();
  try {
    const read = await readLesson(state.lessonFile);
    if (read.ok)
      for (const c of Object.values(read.lesson.components))
        declared.set(c.name, { session: c.session, ready: c.ready });
  } catch {
    // The lesson moved: what state.json recorded is enough.
  }
  for (const [name, c] of Object.entries(state.components))
    declared.set(name, { session: c.session, ready: c.ready });
  const sessions = new Set(await runtime.tmux.sessions());
  const exits = await runtime.componentExits();
  const table = await processTable();
  const prober = runtime.prober();
  const out: ComponentStatus[] = [];
  for (const [name, { session, ready }] of declared) {
    const present = sessions.has(session);
    const panePid = present ? await runtime.tmux.panePid(session) : undefined;
    const child = panePid === undefined ? undefined : [...table.values()].find((p) => p.ppid === panePid);
    const record = state.components[name];
    const base = {
      name,
      session,
      session_present: present,
      ...(child ? { pid: child.pid } : {}),
      alive: child !== undefined,
    };
    if (!child) {
      // A component that was ready and is gone says how it ended (`exited (signal 9)`).
      const exit = exits.find((e) => e.name === name);
      const detail = exit ? exit.how : present ? 'no process in its session' : 'not started';
      out.push({ ...base, ready: false, detail });
      continue;
    }
    const answers: string[] = [];
    let ok = true;
    for (const probe of ready) {
      // A log line that said "ready" stays in the log: it counts while the same run goes on.
      const result =
        probe.kind === 'log'
          ? {
              ok: record?.readyAt !== undefined,
              detail: record?.readyAt !== undefined ? 'matched' : 'not seen',
            }
          : await askAgainOnFailure(() =>
              prober.probe(probe, { session, logOffset: 0, signal: AbortSignal.timeout(3000) }),
            );
      ok &&= result.ok;
      answers.push(`${probe.raw}: ${result.detail}`);
    }
    out.push({
      ...base,
      ready: ok,
      detail: answers.join('; ') || 'no probe',
      ...(record?.readyAt && ok ? { since: record.readyAt } : {}),
    });
  }
  return out;
}

/**
 * A probe that fails is asked twice more, 200 ms apart, before the component counts as not ready: a
 * busy component answers "not now" for a moment (etcd's /health says 503 while a write is slow on a
 * loaded machine), and `status` must not call that down.
 */
async function askAgainOnFailure<T extends { ok: boolean }>(ask: () => Promise<T>, tries = 3): Promise<T> {
  let result = await ask();
  for (let i = 1; i < tries && !result.ok; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    result = await ask();
  }
  return result;
}
