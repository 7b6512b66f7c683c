import { setTimeout as sleepFor } from 'node:timers/promises';
import { DemystifyError } from '../../errors.js';
import type { SavedProgress } from '../../engine/machine.js';
import type { ComponentExit } from '../../engine/outcome.js';
import type { EnginePorts, Prober, Typing } from '../../engine/ports.js';
import { kubeletPods } from '../cleanup/host-leftovers.js';
import { sessionPath, type EngineFiles } from '../workdir/engine-files.js';
import { MARKER_ENV } from '../processes/process-kill.js';
import { createProber } from '../probes/probes.js';
import { StateStore, type WorkdirState } from '../workdir/state-store.js';
import { Tmux } from '../tmux/tmux.js';
import { TmuxTerminal } from '../tmux/tmux-terminal.js';
import {
  exitedComponents,
  recordComponent,
  recordSession,
  runningProcesses,
  type RecordsContext,
  type RunningProcess,
} from './component-records.js';
import {
  cleanupWorkdir,
  resetWorkdir,
  type CleanupResult,
  type TeardownContext,
  type TeardownDeps,
} from './teardown.js';
import { openWorkdir, openWorkdirForCleanup, type OpenedWorkdir, type WorkdirInit } from './workdir-open.js';

export type { CleanupResult } from './teardown.js';
export type { WorkdirInit } from './workdir-open.js';

/** Injectable parts: the namespace prefix (isolation), process signalling and mounts (tests). */
export interface WorkdirRuntimeDeps extends TeardownDeps {
  /** Command that enters the lesson's network namespace; the tmux server and probes start through it. */
  prefix?: string[];
}

/**
 * What runs a lesson in one work directory: its private tmux server, its sessions, the processes it
 * started, its state.json. Every command (run, status, logs, replay, cleanup) opens it from the work
 * directory alone. Opening, the records of its processes and teardown live in their own files
 * (workdir-open.ts, component-records.ts, teardown.ts); this class holds the state they share.
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
  /** What the records and teardown see of this runtime. */
  private readonly parts: RecordsContext & TeardownContext;
  /**
   * A clean-up began: what the engine reports afterwards (a step that was running fails once its shell is
   * gone) is about a machine that no longer exists, and is not written: it would bring back the progress
   * the clean-up forgot, or, after a purge, state.json itself.
   */
  private cleanedUp = false;

  private constructor(opened: OpenedWorkdir, deps: WorkdirRuntimeDeps) {
    const { files, state } = opened;
    this.files = files;
    this.state = state;
    this.deps = deps;
    this.recovered = opened.recovered;
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
      onSession: (info) => recordSession(this.parts, info),
    });
    this.parts = {
      files,
      tmux: this.tmux,
      terminal: this.terminal,
      state: () => this.state,
      refresh: () => this.refresh(),
      change: (fn) => this.change(fn),
      deps,
      recovered: opened.recovered,
      fileMarker: opened.fileMarker,
    };
  }

  /** Open the runtime of an existing work directory; with `init`, set one up when there is none. */
  static async open(
    root: string,
    init?: WorkdirInit,
    deps: WorkdirRuntimeDeps = {},
  ): Promise<WorkdirRuntime> {
    const opened = await openWorkdir(root, init, deps.prefix);
    return new WorkdirRuntime(opened, opened.prefix ? { ...deps, prefix: opened.prefix } : deps);
  }

  /**
   * Open a work directory for `cleanup`, with or without a usable state.json. Cleanup must always be able
   * to end what the work directory started: without state.json (deleted, truncated, hand-edited), the
   * marker is read from `.demystify/marker`, the tmux server is the one answering on the work directory's
   * socket, and daemons working in the folder are found by their cwd (see stop() in teardown.ts). The
   * namespace prefix is never needed to end things, so a damaged isolation.json is left to removeIsolation
   * to report.
   */
  static async openForCleanup(root: string, deps: WorkdirRuntimeDeps = {}): Promise<WorkdirRuntime> {
    return new WorkdirRuntime(await openWorkdirForCleanup(root), { ...deps, prefix: deps.prefix ?? [] });
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
        if (!this.cleanedUp) await recordComponent(this.parts, step, readyAt);
      },
      componentExits: () => this.componentExits(),
      typing,
      now: () => Date.now(),
      sleep: abortableSleep,
    };
  }

  /** Components that exited since they were ready, how, and their log's tail ({@link exitedComponents}). */
  componentExits(): Promise<ComponentExit[]> {
    return exitedComponents(this.parts);
  }

  /** What runs in the sessions now, for "still running" after a run stops ({@link runningProcesses}). */
  running(): Promise<RunningProcess[]> {
    return runningProcesses(this.parts);
  }

  /** Back to a clean start, the tmux server kept ({@link resetWorkdir}). */
  reset(): Promise<void> {
    return resetWorkdir(this.parts);
  }

  /** End, unmount and (`purge`) remove all the lesson left; safe twice ({@link cleanupWorkdir}). */
  cleanup(options: { purge?: boolean } = {}): Promise<CleanupResult> {
    this.cleanedUp = true;
    return cleanupWorkdir(this.parts, options);
  }
}

/**
 * Sleep that an abort signal cuts short. Node's own timer: it rejects with an `AbortError` on abort and
 * removes its listener either way; the engine's two callers treat any rejection as "woken early".
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, { signal });
}
