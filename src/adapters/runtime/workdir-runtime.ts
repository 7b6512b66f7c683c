import { lstat, rename, rm } from 'node:fs/promises';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';
import type { SavedProgress } from '../../engine/machine.js';
import type { PlannedStep } from '../../engine/plan-model.js';
import { exitDescription, type ComponentExit } from '../../engine/outcome.js';
import { LOG_TAIL_LINES } from '../../engine/step-exec.js';
import type { VersionPin } from '../../engine/versions.js';
import type { Leftovers } from '../../lesson/model.js';
import type { EnginePorts, Prober, Typing } from '../../engine/ports.js';
import {
  absentFolders,
  kubeletPods,
  removeEmptyFolders,
  removeHostLeftovers,
} from '../cleanup/host-leftovers.js';
import {
  engineFiles,
  prepareEngineFiles,
  readMarker,
  sessionPath,
  writeMarker,
  type EngineFiles,
} from '../workdir/engine-files.js';
import {
  defaultMountOps,
  isAtOrBelow,
  unmountBelow,
  type MountOps,
  type UnmountResult,
} from '../cleanup/mounts.js';
import { isolationPrefix } from '../isolation/record.js';
import { MARKER_ENV, stopOwned, defaultKillDeps, type KillDeps } from '../processes/process-kill.js';
import { isAlive, processTable, recordProcess } from '../processes/process-tree.js';
import { logSize, logTail, readLogFrom } from '../tmux/session-log.js';
import { scanMarks } from '../tmux/shell-marks.js';
import { createProber } from '../probes/probes.js';
import { writeShellRc } from '../tmux/shell-rc.js';
import { newWorkdirState, StateStore, type WorkdirState } from '../workdir/state-store.js';
import { Tmux } from '../tmux/tmux.js';
import { TmuxTerminal } from '../tmux/tmux-terminal.js';
import { ensureWorkdir } from '../workdir/workdir-setup.js';

/** What a run records about its lesson when it first sets up a work directory. */
export interface WorkdirInit {
  lessonId: string;
  lessonFile: string;
  options: Record<string, string>;
  /** Versions used instead of the lesson's (`--pin`); none when absent (a set-up replaces older pins). */
  pins?: Record<string, VersionPin>;
  binDir?: string;
  reset: string[];
  leftovers?: Leftovers;
  tls?: { ca: string; cert?: string; key?: string };
}

/** What a clean-up did. */
export interface CleanupResult {
  /** Processes ended (pids). */
  ended: number[];
  survivors: number[];
  /** Whether the tmux server was still running. */
  server: boolean;
  /** Mount points unmounted, and of those the busy ones detached lazily. */
  unmounted: string[];
  detached: string[];
  /** Files and folders the components left on the machine, removed (Pod logs, shim sockets...). */
  leftovers: string[];
  /**
   * How the work directory's state was found: `state.json`, or without it (`missing`, or `invalid` with
   * why), in which case processes were found by the marker file, the tmux socket and their working folder.
   */
  state:
    | { source: 'state.json' }
    | { source: 'missing' }
    | { source: 'invalid'; problem: string; movedTo?: string };
}

/** Injectable parts: the namespace prefix (isolation), process signalling and mounts (tests). */
export interface WorkdirRuntimeDeps {
  /** Command that enters the lesson's network namespace; the tmux server and probes start through it. */
  prefix?: string[];
  kill?: KillDeps;
  /** Finding and unmounting what the lesson mounted (default: mountinfo and util-linux umount). */
  mounts?: MountOps;
  /** Grace between SIGTERM and SIGKILL when stopping components (default 5 s). */
  graceMs?: number;
}

/**
 * What runs a lesson in one work directory: its private tmux server, its sessions, the processes it
 * started, its state.json. Every command (run, status, logs, replay, cleanup) opens it from the work
 * directory alone.
 */
export class WorkdirRuntime {
  readonly files: EngineFiles;
  readonly store: StateStore;
  readonly tmux: Tmux;
  readonly terminal: TmuxTerminal;
  private state: WorkdirState;
  private readonly deps: WorkdirRuntimeDeps;
  /** Opened without a usable state.json (openForCleanup): nothing is read or written there. */
  private readonly recovered: CleanupResult['state'] | undefined;
  /** The marker in `.demystify/marker`, when it differs from state.json's (or there is no state.json). */
  private readonly fileMarker: string | undefined;
  /**
   * A clean-up began: what the engine reports afterwards (a step that was running fails once its shell is
   * gone) is about a machine that no longer exists, and is not written: it would bring back the progress
   * the clean-up forgot, or, after a purge, state.json itself.
   */
  private cleanedUp = false;

  private constructor(
    files: EngineFiles,
    state: WorkdirState,
    deps: WorkdirRuntimeDeps,
    recovered?: CleanupResult['state'],
    fileMarker?: string,
  ) {
    this.files = files;
    this.state = state;
    this.deps = deps;
    this.recovered = recovered;
    this.fileMarker = fileMarker;
    this.store = new StateStore(files.layout.stateFile);
    this.tmux = new Tmux({
      socket: state.tmuxSocket,
      configFile: files.tmuxConf,
      ...(deps.prefix ? { prefix: deps.prefix } : {}),
      env: { [MARKER_ENV]: state.marker },
    });
    this.terminal = new TmuxTerminal({
      tmux: this.tmux,
      workdir: files.layout.root,
      logsDir: files.layout.logs,
      rcFile: files.rcFile,
      path: this.path,
      onSession: (info) => this.recordSession(info),
    });
  }

  /** Open the runtime of an existing work directory; with `init`, set one up when there is none. */
  static async open(
    root: string,
    init?: WorkdirInit,
    deps: WorkdirRuntimeDeps = {},
  ): Promise<WorkdirRuntime> {
    const files = engineFiles(root);
    const store = new StateStore(files.layout.stateFile);
    let state = await store.read();
    const existing = state !== undefined;
    if (!state && !init) {
      // state.json deleted while the lesson runs: say so, rather than "nothing has run".
      const orphan = await new Tmux({ socket: files.socket }).serverPid().catch(() => undefined);
      if (orphan !== undefined) {
        throw new DemystifyError(
          'NO_STATE',
          `${files.layout.stateFile} is missing, but the lesson's tmux server (pid ${orphan}) still runs`,
          { hint: `demystify cleanup --workdir ${files.layout.root} ends it and everything it started` },
        );
      }
      throw new DemystifyError('NO_STATE', `nothing has run in ${files.layout.root} yet`, {
        hint: 'start with demystify run, or give the work directory with --workdir',
      });
    }
    if (init) {
      // A run (re)writes the engine's files; status, logs and cleanup only read.
      await ensureWorkdir(files.layout.root);
      const fields = { ...init, pins: init.pins ?? {} };
      state = state
        ? { ...state, ...fields, tmuxSocket: state.tmuxSocket }
        : newWorkdirState({
            ...fields,
            tmuxSocket: files.socket,
            absentAtStart: await absentFolders(init.reset, init.leftovers),
          });
      // A state.json deleted under a machine that still runs: its processes carry the marker kept in
      // `.demystify/marker`, so the new state takes it over and the run's reset finds them.
      const kept = existing ? undefined : await readMarker(files).catch(() => undefined);
      if (kept) state = { ...state, marker: kept };
      await prepareEngineFiles(files);
      await writeShellRc(files.rcFile, { historyFile: files.historyFile });
      // Where cleanup finds the marker when state.json is gone or damaged.
      await writeMarker(files, state.marker);
      await store.write(state);
    }
    // An isolated work directory (isolation.json): its tmux server and probes live in its namespace.
    const prefix = deps.prefix ?? (await isolationPrefix(files.layout.root));
    return new WorkdirRuntime(files, state!, prefix ? { ...deps, prefix } : deps);
  }

  /**
   * Open a work directory for `cleanup`, with or without a usable state.json. Cleanup must always be able
   * to end what the work directory started: without state.json (deleted, truncated, hand-edited), the
   * marker is read from `.demystify/marker`, the tmux server is the one answering on the work directory's
   * socket, and daemons working in the folder are found by their cwd (see stop()). The namespace prefix is
   * never needed to end things, so a damaged isolation.json is left to removeIsolation to report.
   */
  static async openForCleanup(root: string, deps: WorkdirRuntimeDeps = {}): Promise<WorkdirRuntime> {
    const files = engineFiles(root);
    let state: WorkdirState | undefined;
    let recovered: CleanupResult['state'] | undefined;
    try {
      state = await new StateStore(files.layout.stateFile).read();
      if (!state) recovered = { source: 'missing' };
    } catch (error) {
      const unusable =
        error instanceof DemystifyError && ['STATE_INVALID', 'STATE_READ'].includes(error.code);
      if (!unusable) throw error;
      recovered = { source: 'invalid', problem: error.message };
    }
    const fileMarker = await readMarker(files).catch(() => undefined);
    const usable = state ?? {
      ...newWorkdirState({ lessonId: '', lessonFile: '', options: {}, reset: [], tmuxSocket: files.socket }),
      marker: fileMarker ?? '',
    };
    const extra = fileMarker !== undefined && fileMarker !== usable.marker ? fileMarker : undefined;
    return new WorkdirRuntime(files, usable, { ...deps, prefix: deps.prefix ?? [] }, recovered, extra);
  }

  /** The command prefix entering the lesson's network namespace, when it is isolated. */
  get prefix(): string[] | undefined {
    return this.deps.prefix;
  }

  /** PATH of the sessions. */
  get path(): string {
    return sessionPath(this.files, this.state.binDir);
  }

  /** The state as last read or written. */
  current(): WorkdirState {
    return this.state;
  }

  /** Read state.json again. */
  async refresh(): Promise<WorkdirState> {
    if (this.recovered) return this.state;
    this.state = (await this.store.read()) ?? this.state;
    return this.state;
  }

  private async change(fn: (s: WorkdirState) => WorkdirState | void): Promise<void> {
    this.state = await this.store.update(fn);
  }

  private async recordSession(info: { session: string; serverPid: number; panePid: number }): Promise<void> {
    const server = await recordProcess(info.serverPid, 'tmux-server');
    const pane = await recordProcess(info.panePid, 'pane', info.session);
    await this.change((s) => {
      const processes = s.processes.filter(
        (p) => !(p.role === 'tmux-server' && server && p.pid !== server.pid),
      );
      for (const record of [server, pane])
        if (record && !processes.some((p) => p.pid === record.pid)) processes.push(record);
      s.processes = processes;
    });
  }

  /** The probes of this work directory: its session logs, its PATH, its TLS material, its namespace. */
  prober(): Prober {
    const tls = this.state.tls;
    return createProber({
      workdir: this.files.layout.root,
      logFile: (session) => this.terminal.logFile(session),
      path: this.path,
      ...(tls ? { tls } : {}),
      ...(this.deps.prefix ? { prefix: this.deps.prefix } : {}),
    });
  }

  /** The ports of the effect loop, on this work directory. */
  ports(typing: Typing): EnginePorts {
    return {
      terminal: this.terminal,
      prober: this.prober(),
      // The engine reports a failed reset by its message: the hint goes with it.
      reset: () =>
        this.reset().catch((error: unknown) => {
          throw error instanceof DemystifyError && error.hint
            ? new Error(`${error.message}\n  hint: ${error.hint}`, { cause: error })
            : error;
        }),
      // Each saved step also notes the Pods the lesson's kubelet runs: a Pod deleted later leaves its logs
      // on the machine after its folder is gone, and only this record says that they are the lesson's.
      persist: async (progress: SavedProgress) => {
        if (this.cleanedUp) return;
        const pods = await kubeletPods(this.state.leftovers, this.files.layout.root);
        await this.change((s) => {
          s.progress = progress;
          if (pods.length > 0) s.kubeletPods = [...new Set([...(s.kubeletPods ?? []), ...pods])];
        });
      },
      componentReady: async (step, readyAt) => {
        if (!this.cleanedUp) await this.recordComponent(step, readyAt);
      },
      componentExits: () => this.componentExits(),
      typing,
      now: () => Date.now(),
      sleep: abortableSleep,
    };
  }

  private async recordComponent(step: PlannedStep, readyAt: number): Promise<void> {
    const panePid = await this.tmux.panePid(step.session);
    const table = await processTable();
    const child = [...table.values()].find((p) => p.ppid === panePid);
    const process = child ? await recordProcess(child.pid, 'component', step.session) : undefined;
    const logOffset = await logSize(this.terminal.logFile(step.session));
    const name = step.component ?? step.session;
    await this.change((s) => {
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
  async componentExits(): Promise<ComponentExit[]> {
    const table = await processTable();
    const out: ComponentExit[] = [];
    for (const [name, component] of Object.entries(this.state.components)) {
      if (!component.process || isAlive(component.process, table)) continue;
      const file = this.terminal.logFile(component.session);
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
  async running(): Promise<{ name: string; session: string; pid: number; comm: string }[]> {
    const table = await processTable();
    const names = new Map(Object.entries(this.state.components).map(([name, c]) => [c.session, name]));
    const out: { name: string; session: string; pid: number; comm: string }[] = [];
    for (const session of await this.tmux.sessions()) {
      const pane = await this.tmux.panePid(session);
      for (const child of [...table.values()].filter((p) => p.ppid === pane))
        out.push({ name: names.get(session) ?? session, session, pid: child.pid, comm: child.comm });
    }
    return out;
  }

  /**
   * Bring the machine back to a clean start (the "reset" of reset-and-fast-forward): end every process
   * the sessions started (the tmux server stays), unmount what the lesson mounted in its reset paths and
   * remove them, forget components.
   */
  async reset(): Promise<void> {
    const paths = this.resetPaths();
    const serverPid = await this.tmux.serverPid();
    // Every session of the private server is the lesson's, recorded or not (a state.json deleted
    // meanwhile): the server stays, everything below it goes.
    const server = serverPid === undefined ? [] : [serverPid];
    await this.stop(server, server);
    for (const path of paths) await this.unmount(path, true);
    await removeHostLeftovers(this.state, this.files.layout.root);
    for (const path of paths) await this.remove(path);
    await this.change((s) => {
      s.processes = s.processes.filter((p) => p.role === 'tmux-server');
      s.components = {};
    });
  }

  /**
   * End every process the engine started and its tmux server, then unmount what the lesson left mounted
   * in its reset paths and below the work directory (kubelet's volumes, containerd's rootfs and shm, Pods'
   * network namespaces); with `purge`, also remove the reset paths and the generated state. Safe to run
   * twice: what is already gone is skipped.
   */
  async cleanup(options: { purge?: boolean } = {}): Promise<CleanupResult> {
    this.cleanedUp = true;
    // The server answering on the work directory's socket (the recorded one, and the one its path gives:
    // without state.json only that one is known) is ended with everything below it.
    const sockets = [...new Set([this.state.tmuxSocket, this.files.socket])];
    const servers = sockets.map((socket) => (socket === this.tmux.socket ? this.tmux : this.tmuxAt(socket)));
    const serverPids: number[] = [];
    // Without tmux (uninstalled meanwhile) no server can answer: its processes carry the marker anyway.
    const noTmux = (error: unknown): undefined => {
      if (error instanceof DemystifyError && error.code === 'TMUX_MISSING') return undefined;
      throw error;
    };
    for (const tmux of servers) {
      const pid = await tmux.serverPid().catch(noTmux);
      if (pid !== undefined) serverPids.push(pid);
    }
    const { ended, survivors } = await this.stop([], serverPids);
    for (const tmux of servers) await tmux.killServer().catch(noTmux);
    for (const socket of sockets) await rm(socket, { force: true });
    // Checked once the processes are ended: a lesson with a bad reset path still gets those stopped.
    const paths = this.resetPaths();
    const mounts: UnmountResult = { unmounted: [], detached: [] };
    for (const [path, includeRoot] of [
      ...paths.map((p) => [p, true] as const),
      [this.files.layout.root, false] as const,
    ]) {
      const done = await this.unmount(path, includeRoot);
      mounts.unmounted.push(...done.unmounted);
      mounts.detached.push(...done.detached);
    }
    const leftovers = await removeHostLeftovers(this.state, this.files.layout.root);
    let state: CleanupResult['state'] = this.recovered ?? { source: 'state.json' };
    if (options.purge) {
      for (const path of paths) await this.remove(path);
      leftovers.push(...(await removeEmptyFolders(this.state.absentAtStart ?? [])));
      await this.remove(this.files.layout.logs);
      await this.remove(this.files.dir);
      for (const socket of sockets)
        if (socket !== this.files.layout.tmuxSocket) await this.remove(join(socket, '..'));
      // Last: a purge that failed halfway still knows the reset paths the next attempt must remove.
      await this.remove(this.files.layout.stateFile);
    } else if (state.source === 'invalid') {
      // Kept for a look, out of the way: the next run starts afresh instead of refusing.
      const movedTo = `${this.files.layout.stateFile}.damaged`;
      await rename(this.files.layout.stateFile, movedTo).catch((error: unknown) => {
        throw new DemystifyError(
          'STATE_INVALID',
          `cannot move ${this.files.layout.stateFile} aside: ${messageOf(error)}`,
          {
            cause: error,
            hint: `remove it by hand (rm ${this.files.layout.stateFile})`,
          },
        );
      });
      state = { ...state, movedTo };
    } else if (state.source === 'state.json') {
      await this.change((s) => {
        s.processes = [];
        s.components = {};
        delete s.progress;
        delete s.talk;
      });
    }
    return { ended, survivors, server: serverPids.length > 0, leftovers, state, ...mounts };
  }

  /** A client of the tmux server at another socket of this work directory (to end it). */
  private tmuxAt(socket: string): Tmux {
    return new Tmux({ socket, configFile: this.files.tmuxConf });
  }

  /**
   * Unmount everything at or below a path (strictly below without `includeRoot`). A reset path that is a
   * symbolic link is only removed, as `rm` does: what its target holds is not the lesson's to unmount.
   */
  private async unmount(path: string, includeRoot: boolean): Promise<UnmountResult> {
    const link =
      includeRoot &&
      (await lstat(path).then(
        (s) => s.isSymbolicLink(),
        () => false,
      ));
    if (link) return { unmounted: [], detached: [] };
    return unmountBelow(path, { includeRoot }, this.deps.mounts ?? defaultMountOps);
  }

  /** Remove a path and everything in it; one already gone is fine. */
  private async remove(path: string): Promise<void> {
    try {
      await rm(path, { recursive: true, force: true });
    } catch (error) {
      throw new DemystifyError('RESET_REMOVE', `cannot remove ${path}: ${messageOf(error)}`, {
        cause: error,
        hint: `something still uses it (see findmnt -R ${path} and fuser -vm ${path}); end it and run the command again`,
      });
    }
  }

  /** The lesson's reset paths, resolved and checked, all of them before anything is touched. */
  private resetPaths(): string[] {
    return this.state.reset.map((path) => this.safePath(path));
  }

  private async stop(
    keep: number[],
    roots: number[] = [],
  ): Promise<{ ended: number[]; survivors: number[] }> {
    // Another process (a replay, a presenter) may have started sessions since this one read the state.
    await this.refresh();
    const spec = {
      records: this.state.processes,
      marker: [this.state.marker, ...(this.fileMarker ? [this.fileMarker] : [])],
      roots,
      workdir: this.files.layout.root,
      keep,
      graceMs: this.deps.graceMs ?? 5000,
    };
    const result = await stopOwned(spec, this.deps.kill ?? defaultKillDeps);
    if (result.survivors.length > 0) {
      const table = await processTable();
      const named = result.survivors.map((pid) => `${pid} (${table.get(pid)?.comm ?? 'gone'})`);
      throw new DemystifyError('STOP_FAILED', `could not end processes ${named.join(', ')}`, {
        hint: 'they may belong to another user: end them by hand',
      });
    }
    return result;
  }

  /** A reset path resolved in the work directory; never the work directory itself or a parent of it. */
  private safePath(path: string): string {
    const root = this.files.layout.root;
    const abs = isAbsolute(path) ? resolve(path) : resolve(root, path);
    if (isAtOrBelow(root, abs)) {
      throw new DemystifyError('RESET_PATH', `refusing to remove '${path}': it contains the work directory`, {
        hint: "a lesson's reset paths are folders inside its work directory or its own /run/demystify/<lesson-id>, /var/lib/demystify/<lesson-id>: fix the lesson's reset list",
      });
    }
    return abs;
  }
}

/**
 * Sleep that an abort signal cuts short. Node's own timer: it rejects with an `AbortError` on abort and
 * removes its listener either way; the engine's two callers treat any rejection as "woken early".
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, { signal });
}
