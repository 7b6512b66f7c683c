/**
 * Opening a work directory: reading its state.json (or setting one up for a run), and for `cleanup`
 * recovering without a usable one. Separate from WorkdirRuntime because it runs before there is a
 * runtime, and its rules (which state wins, which marker is kept) read best on their own.
 */
import { DemystifyError } from '../../errors.js';
import type { VersionPin } from '../../engine/versions.js';
import type { Leftovers } from '../../lesson/model.js';
import { absentFolders } from '../cleanup/host-leftovers.js';
import { isolationPrefix } from '../isolation/record.js';
import { writeShellRc } from '../tmux/shell-rc.js';
import { Tmux } from '../tmux/tmux.js';
import {
  engineFiles,
  prepareEngineFiles,
  readMarker,
  writeMarker,
  type EngineFiles,
} from '../workdir/engine-files.js';
import { newWorkdirState, StateStore, type WorkdirState } from '../workdir/state-store.js';
import { ensureWorkdir } from '../workdir/workdir-setup.js';
import type { CleanupResult } from './teardown.js';

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

/** A work directory opened: what its runtime is built from. */
export interface OpenedWorkdir {
  files: EngineFiles;
  state: WorkdirState;
  /** The command entering the lesson's network namespace, when it is isolated (or given). */
  prefix?: string[];
  /** Opened without a usable state.json (openForCleanup): nothing is read or written there. */
  recovered?: CleanupResult['state'];
  /** The marker in `.demystify/marker`, when it differs from state.json's (or there is no state.json). */
  fileMarker?: string;
}

/**
 * Read an existing work directory's state; with `init`, set one up when there is none. `prefix` is the
 * namespace prefix given by the caller; without it, the work directory's isolation.json gives it.
 */
export async function openWorkdir(
  root: string,
  init: WorkdirInit | undefined,
  prefix: string[] | undefined,
): Promise<OpenedWorkdir> {
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
  const found = prefix ?? (await isolationPrefix(files.layout.root));
  return { files, state: state!, ...(found ? { prefix: found } : {}) };
}

/**
 * Read a work directory's state for `cleanup`, with or without a usable state.json. Without one (deleted,
 * truncated, hand-edited), the marker is read from `.demystify/marker` and the state is an empty one on
 * the work directory's socket. The namespace prefix is never needed to end things, so a damaged
 * isolation.json is left to removeIsolation to report.
 */
export async function openWorkdirForCleanup(root: string): Promise<OpenedWorkdir> {
  const files = engineFiles(root);
  let state: WorkdirState | undefined;
  let recovered: CleanupResult['state'] | undefined;
  try {
    state = await new StateStore(files.layout.stateFile).read();
    if (!state) recovered = { source: 'missing' };
  } catch (error) {
    const unusable = error instanceof DemystifyError && ['STATE_INVALID', 'STATE_READ'].includes(error.code);
    if (!unusable) throw error;
    recovered = { source: 'invalid', problem: error.message };
  }
  const fileMarker = await readMarker(files).catch(() => undefined);
  const usable = state ?? {
    ...newWorkdirState({ lessonId: '', lessonFile: '', options: {}, reset: [], tmuxSocket: files.socket }),
    marker: fileMarker ?? '',
  };
  const extra = fileMarker !== undefined && fileMarker !== usable.marker ? fileMarker : undefined;
  return { files, state: usable, recovered, fileMarker: extra };
}
