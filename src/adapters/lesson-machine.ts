import { lstat, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { DemystifyError, messageOf } from '../errors.js';
import type { SavedProgress } from '../engine/machine.js';
import type { PlannedStep } from '../engine/plan-model.js';
import type { VersionPin } from '../engine/versions.js';
import type { Leftovers } from '../lesson/model.js';
import type { EnginePorts, Typing } from '../engine/ports.js';
import {
  absentFolders,
  kubeletPods,
  removeEmptyFolders,
  removeHostLeftovers,
} from './leftovers/host-leftovers.js';
import { engineFiles, prepareEngineFiles, sessionPath, type EngineFiles } from './machine-paths.js';
import { defaultMountOps, isAtOrBelow, unmountBelow, type MountOps, type UnmountResult } from './mounts.js';
import { isolationPrefix } from './netns-record.js';
import { MARKER_ENV, stopOwned, defaultKillDeps, type KillDeps } from './process-kill.js';
import { processTable, recordProcess } from './process-tree.js';
import { createProber } from './probes.js';
import { writeShellRc } from './shell-rc.js';
import { newWorkdirState, StateStore, type WorkdirState } from './state-store.js';
import { Tmux } from './tmux.js';
import { TmuxTerminal } from './tmux-terminal.js';

/** What a run records about its lesson when it first sets up a work directory. */
export interface MachineInit {
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
}

/** Injectable parts: the namespace prefix (isolation), process signalling and mounts (tests). */
export interface MachineDeps {
  /** Command that enters the lesson's network namespace; the tmux server and probes start through it. */
  prefix?: string[];
  kill?: KillDeps;
  /** Finding and unmounting what the lesson mounted (default: mountinfo and util-linux umount). */
  mounts?: MountOps;
  /** Grace between SIGTERM and SIGKILL when stopping components (default 5 s). */
  graceMs?: number;
}

/**
 * The lesson's machine in one work directory: its private tmux server, its sessions, the processes it
 * started, its state.json. Every command (run, status, logs, replay, cleanup) opens it from the work
 * directory alone.
 */
export class LessonMachine {
  readonly files: EngineFiles;
  readonly store: StateStore;
  readonly tmux: Tmux;
  readonly terminal: TmuxTerminal;
  private state: WorkdirState;
  private readonly deps: MachineDeps;

  private constructor(files: EngineFiles, state: WorkdirState, deps: MachineDeps) {
    this.files = files;
    this.state = state;
    this.deps = deps;
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

  /** Open the machine of an existing work directory; with `init`, set one up when there is none. */
  static async open(root: string, init?: MachineInit, deps: MachineDeps = {}): Promise<LessonMachine> {
    const files = engineFiles(root);
    const store = new StateStore(files.layout.stateFile);
    let state = await store.read();
    if (!state && !init) {
      throw new DemystifyError('NO_STATE', `nothing has run in ${files.layout.root} yet`, {
        hint: 'start with demystify run, or give the work directory with --workdir',
      });
    }
    if (init) {
      // A run (re)writes the engine's files; status, logs and cleanup only read.
      const fields = { ...init, pins: init.pins ?? {} };
      state = state
        ? { ...state, ...fields, tmuxSocket: state.tmuxSocket }
        : newWorkdirState({
            ...fields,
            tmuxSocket: files.socket,
            absentAtStart: await absentFolders(init.reset, init.leftovers),
          });
      await prepareEngineFiles(files);
      await writeShellRc(files.rcFile, { historyFile: files.historyFile });
      await store.write(state);
    }
    // An isolated work directory (isolation.json): its tmux server and probes live in its namespace.
    const prefix = deps.prefix ?? (await isolationPrefix(files.layout.root));
    return new LessonMachine(files, state!, prefix ? { ...deps, prefix } : deps);
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

  /** The ports of the effect loop, on this machine. */
  ports(typing: Typing): EnginePorts {
    const tls = this.state.tls;
    return {
      terminal: this.terminal,
      prober: createProber({
        workdir: this.files.layout.root,
        logFile: (session) => this.terminal.logFile(session),
        path: this.path,
        ...(tls ? { tls } : {}),
        ...(this.deps.prefix ? { prefix: this.deps.prefix } : {}),
      }),
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
        const pods = await kubeletPods(this.state.leftovers, this.files.layout.root);
        await this.change((s) => {
          s.progress = progress;
          if (pods.length > 0) s.kubeletPods = [...new Set([...(s.kubeletPods ?? []), ...pods])];
        });
      },
      componentReady: (step, readyAt) => this.recordComponent(step, readyAt),
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
    const name = step.component ?? step.session;
    await this.change((s) => {
      s.components[name] = {
        session: step.session,
        step: step.name,
        ready: step.ready,
        readyAt,
        ...(process ? { process } : {}),
      };
    });
  }

  /**
   * Bring the machine back to a clean start (the "reset" of reset-and-fast-forward): end every process
   * the sessions started (the tmux server stays), unmount what the lesson mounted in its reset paths and
   * remove them, forget components.
   */
  async reset(): Promise<void> {
    const paths = this.resetPaths();
    const serverPid = await this.tmux.serverPid();
    await this.stop(serverPid === undefined ? [] : [serverPid]);
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
    const server = (await this.tmux.serverPid()) !== undefined;
    const { ended, survivors } = await this.stop([]);
    await this.tmux.killServer();
    await rm(this.state.tmuxSocket, { force: true });
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
    if (options.purge) {
      for (const path of paths) await this.remove(path);
      leftovers.push(...(await removeEmptyFolders(this.state.absentAtStart ?? [])));
      await this.remove(this.files.layout.logs);
      await this.remove(this.files.dir);
      if (this.state.tmuxSocket !== this.files.layout.tmuxSocket)
        await this.remove(join(this.state.tmuxSocket, '..'));
      // Last: a purge that failed halfway still knows the reset paths the next attempt must remove.
      await this.remove(this.files.layout.stateFile);
    } else {
      await this.change((s) => {
        s.processes = [];
        s.components = {};
        delete s.progress;
        delete s.talk;
      });
    }
    return { ended, survivors, server, leftovers, ...mounts };
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

  private async stop(keep: number[]): Promise<{ ended: number[]; survivors: number[] }> {
    // Another process (a replay, a presenter) may have started sessions since this one read the state.
    await this.refresh();
    const spec = {
      records: this.state.processes,
      marker: this.state.marker,
      keep,
      graceMs: this.deps.graceMs ?? 5000,
    };
    const result = await stopOwned(spec, this.deps.kill ?? defaultKillDeps);
    if (result.survivors.length > 0) {
      throw new DemystifyError('STOP_FAILED', `could not end processes ${result.survivors.join(', ')}`, {
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

/** Sleep that an abort signal cuts short (rejecting); its listener is removed either way. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
