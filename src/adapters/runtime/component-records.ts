/**
 * What a work directory records about the processes of its sessions (the tmux server and the panes as
 * sessions open, each component once ready) and what it reads back from them: the components that
 * exited since, and what runs in the sessions now. Separate from WorkdirRuntime because it is the one
 * part that reads the process table and the session logs; the runtime passes it a small context.
 */
import type { PlannedStep } from '../../engine/plan-model.js';
import { exitDescription, type ComponentExit } from '../../engine/outcome.js';
import { LOG_TAIL_LINES } from '../../engine/step-exec.js';
import { isAlive, processTable, recordProcess } from '../processes/process-tree.js';
import { logSize, logTail, readLogFrom } from '../tmux/session-log.js';
import { scanMarks } from '../tmux/shell-marks.js';
import type { Tmux } from '../tmux/tmux.js';
import type { TmuxTerminal } from '../tmux/tmux-terminal.js';
import type { WorkdirState } from '../workdir/state-store.js';

/** What the records need of a work directory's runtime. */
export interface RecordsContext {
  tmux: Tmux;
  /** Where each session's log is. */
  terminal: Pick<TmuxTerminal, 'logFile'>;
  /** The state as last read or written. */
  state(): WorkdirState;
  change(fn: (s: WorkdirState) => WorkdirState | void): Promise<void>;
}

/** A process that runs in the sessions now: the component its session belongs to, its pid and program. */
export interface RunningProcess {
  name: string;
  session: string;
  pid: number;
  comm: string;
}

/** Record a session's tmux server (replacing an older one) and its pane's shell. */
export async function recordSession(
  ctx: RecordsContext,
  info: { session: string; serverPid: number; panePid: number },
): Promise<void> {
  const server = await recordProcess(info.serverPid, 'tmux-server');
  const pane = await recordProcess(info.panePid, 'pane', info.session);
  await ctx.change((s) => {
    const processes = s.processes.filter(
      (p) => !(p.role === 'tmux-server' && server && p.pid !== server.pid),
    );
    for (const record of [server, pane])
      if (record && !processes.some((p) => p.pid === record.pid)) processes.push(record);
    s.processes = processes;
  });
}

/**
 * Record a component the engine saw ready: its session's process (the shell's child) and where its log
 * stood then, so its exit and what it printed since can be told later.
 */
export async function recordComponent(
  ctx: RecordsContext,
  step: PlannedStep,
  readyAt: number,
): Promise<void> {
  const panePid = await ctx.tmux.panePid(step.session);
  const table = await processTable();
  const child = [...table.values()].find((p) => p.ppid === panePid);
  const process = child ? await recordProcess(child.pid, 'component', step.session) : undefined;
  const logOffset = await logSize(ctx.terminal.logFile(step.session));
  const name = step.component ?? step.session;
  await ctx.change((s) => {
    s.components[name] = {
      session: step.session,
      step: step.name,
      ready: step.ready,
      readyAt,
      ...(process ? { process } : {}),
      logOffset,
    };
  });
}

/**
 * Components that exited since they were ready (their recorded process is gone), each with how (the
 * status its shell printed after it, `exited (signal 9)` for a kill -9) and the tail of its own log.
 */
export async function exitedComponents(ctx: RecordsContext): Promise<ComponentExit[]> {
  const table = await processTable();
  const out: ComponentExit[] = [];
  for (const [name, component] of Object.entries(ctx.state().components)) {
    if (!component.process || isAlive(component.process, table)) continue;
    const file = ctx.terminal.logFile(component.session);
    const since = await readLogFrom(file, component.logOffset ?? 0, 256 * 1024).catch(() => '');
    const end = scanMarks(since).find((mark) => mark.kind === 'command-end');
    out.push({
      name,
      session: component.session,
      how: exitDescription(end?.status),
      logTail: await logTail(file, LOG_TAIL_LINES).catch(() => []),
    });
  }
  return out;
}

/**
 * What runs in the sessions now (each session shell's commands), for "still running" after a run stops:
 * the component a session belongs to, its pid and program.
 */
export async function runningProcesses(ctx: RecordsContext): Promise<RunningProcess[]> {
  const table = await processTable();
  const names = new Map(Object.entries(ctx.state().components).map(([name, c]) => [c.session, name]));
  const out: RunningProcess[] = [];
  for (const session of await ctx.tmux.sessions()) {
    const pane = await ctx.tmux.panePid(session);
    for (const child of [...table.values()].filter((p) => p.ppid === pane))
      out.push({ name: names.get(session) ?? session, session, pid: child.pid, comm: child.comm });
  }
  return out;
}
