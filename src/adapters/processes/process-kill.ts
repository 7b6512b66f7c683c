import { runFile } from './exec-file.js';
import {
  ancestors,
  daemonsWorkingIn,
  descendants,
  isAlive,
  processesWithEnv,
  processTable,
  type ProcessRecord,
  type ProcInfo,
} from './process-tree.js';

/** Name of the environment variable that marks every process of one engine run (see process-tree.ts). */
export const MARKER_ENV = 'DEMYSTIFY_RUN';

/** The tmux server's process name. */
const TMUX_SERVER = 'tmux: server';

/** Side effects of ending processes, injectable for tests. */
export interface KillDeps {
  table: () => Promise<Map<number, ProcInfo>>;
  /** Send a signal; throws like process.kill (EPERM for a root process when we are not root). */
  kill: (pid: number, signal: NodeJS.Signals) => void;
  /** Send a signal through `sudo -n kill` (processes started through sudo, when not root). */
  sudoKill: (pids: number[], signal: NodeJS.Signals) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
}

/** The real machine. */
export const defaultKillDeps: KillDeps = {
  table: processTable,
  kill: (pid, signal) => void process.kill(pid, signal),
  sudoKill: async (pids, signal) => {
    await runFile('sudo', ['-n', 'kill', `-${signal.replace(/^SIG/, '')}`, ...pids.map(String)]);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Identity of a process to end: pid plus start time, checked again before every signal. */
type Target = Pick<ProcInfo, 'pid' | 'startTime'>;

/**
 * Signal every target still alive (same pid and start time). A process we may not signal (started
 * through sudo while we are not root) is signalled through `sudo -n kill`.
 */
export async function signalAll(
  targets: Target[],
  signal: NodeJS.Signals,
  deps: KillDeps = defaultKillDeps,
): Promise<void> {
  const table = await deps.table();
  const denied: number[] = [];
  for (const target of targets) {
    if (table.get(target.pid)?.startTime !== target.startTime) continue;
    try {
      deps.kill(target.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPERM') denied.push(target.pid);
    }
  }
  if (denied.length > 0) await deps.sudoKill(denied, signal);
}

/** Wait until none of the targets is alive, or the time is up; returns those still alive. */
async function waitGone(
  targets: Target[],
  timeoutMs: number,
  deps: KillDeps = defaultKillDeps,
): Promise<Target[]> {
  const end = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
    const table = await deps.table();
    const alive = targets.filter((t) => table.get(t.pid)?.startTime === t.startTime);
    if (alive.length === 0 || Date.now() >= end) return alive;
    await deps.sleep(delay);
  }
}

/** What to end: the recorded processes, the run's marker, pids never to touch. */
export interface StopSpec {
  records: ProcessRecord[];
  /**
   * The run's marker value (MARKER_ENV), or several (state.json's and `.demystify/marker`); processes
   * carrying one are the engine's even if re-parented.
   */
  marker?: string | string[];
  /** Live pids found otherwise (the tmux server answering on the work directory's socket), trees included. */
  roots?: number[];
  /**
   * The work directory: daemons working in it (no terminal, cwd inside, see daemonsWorkingIn) are the
   * engine's too, so one that left its tree and its marker (`env -i setsid`) is still found. This process,
   * its ancestors and its children never are.
   */
  workdir?: string;
  /** Pids kept alive in this pass (the tmux server during a reset), with their whole trees otherwise ended. */
  keep?: number[];
  /** Grace between SIGTERM and SIGKILL (default 5 s). */
  graceMs?: number;
}

/**
 * Everything the engine started, found again: recorded processes still alive, processes carrying the
 * marker, the extra roots, the daemons working in the work directory, and all their descendants. Pids in
 * `keep` are left out, not their children; this process and its own children always are.
 */
async function findOwned(spec: StopSpec, deps: KillDeps = defaultKillDeps): Promise<ProcInfo[]> {
  const table = await deps.table();
  const roots = spec.records.filter((r) => isAlive(r, table)).map((r) => r.pid);
  const markers = [spec.marker ?? []].flat().filter((m) => m !== '');
  const marked: number[] = [];
  for (const marker of new Set(markers)) marked.push(...(await processesWithEnv(table, MARKER_ENV, marker)));
  const extra = (spec.roots ?? []).filter((pid) => table.has(pid));
  // This process's own children (its tmux clients carry the marker too, a probe agent) are never the
  // lesson's: the lesson's processes live below the tmux server, which left this process's tree.
  const children = descendants(table, [process.pid]);
  let working: number[] = [];
  if (spec.workdir !== undefined) {
    const mine = new Set([...ancestors(table, process.pid), ...children]);
    working = (await daemonsWorkingIn(table, spec.workdir)).filter((pid) => !mine.has(pid));
  }
  const keep = new Set([...(spec.keep ?? []), process.pid, ...children]);
  return descendants(table, [...roots, ...marked, ...extra, ...working])
    .filter((pid) => !keep.has(pid))
    .map((pid) => table.get(pid)!)
    .filter(Boolean);
}

/**
 * End every process the engine started, whole trees, in two passes: SIGTERM to the programs (not the
 * shells, which ignore it; not the tmux server) so components stop cleanly, SIGKILL after the grace;
 * then SIGKILL whatever is left (shells, log pipes). Safe to run twice: the second finds nothing.
 * Returns the pids that were still alive at the end (empty on success).
 */
export async function stopOwned(
  spec: StopSpec,
  deps: KillDeps = defaultKillDeps,
): Promise<{ ended: number[]; survivors: number[] }> {
  const ended = new Set<number>();
  const shells = new Set(
    spec.records.filter((r) => r.role === 'pane' || r.role === 'tmux-server').map((r) => r.pid),
  );
  for (let round = 0; round < 3; round++) {
    const owned = await findOwned(spec, deps);
    if (owned.length === 0) break;
    // A session's shell is a child of the tmux server even when this process's records are stale.
    const byPid = new Map(owned.map((p) => [p.pid, p]));
    const isShell = (p: ProcInfo): boolean =>
      shells.has(p.pid) || (byPid.get(p.ppid)?.comm === TMUX_SERVER && p.comm !== 'cat');
    const programs = owned.filter((p) => !isShell(p) && p.comm !== TMUX_SERVER);
    if (programs.length > 0) {
      await signalAll(programs, 'SIGTERM', deps);
      const left = await waitGone(programs, spec.graceMs ?? 5000, deps);
      if (left.length > 0) await signalAll(left, 'SIGKILL', deps);
    }
    const rest = await findOwned(spec, deps);
    if (rest.length > 0) await signalAll(rest, 'SIGKILL', deps);
    await waitGone([...owned, ...rest], 2000, deps);
    for (const p of owned) ended.add(p.pid);
  }
  const survivors = (await findOwned(spec, deps)).map((p) => p.pid);
  return { ended: [...ended], survivors };
}
