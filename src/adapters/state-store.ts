import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DemystifyError } from '../errors.js';
import { writeFileSafely } from './files/write-file-safely.js';
import type { SavedProgress } from '../engine/machine.js';
import type { TalkClock } from '../engine/talk-clock.js';
import type { VersionPin } from '../engine/versions.js';
import type { Leftovers, Probe } from '../lesson/model.js';
import type { ProcessRecord } from './process-tree.js';

/** A component as `status` reports it. */
export interface ComponentRecord {
  session: string;
  /** The step that started it. */
  step: string;
  /** Its probes, resolved, so `status` can ask again without the lesson. */
  ready: Probe[];
  /** Epoch ms when its probes passed. */
  readyAt?: number;
  /** Its process (the session shell's child) when it got ready. */
  process?: ProcessRecord;
}

/**
 * WORKDIR/state.json: everything needed to find the lesson's machine again from another process
 * (status, logs, cleanup, a presenter that crashed and comes back).
 */
export interface WorkdirState {
  version: 1;
  lessonId: string;
  lessonFile: string;
  /** Option values and --bin-dir the run used, so `replay` plans the same way. */
  options: Record<string, string>;
  /**
   * Versions the run uses instead of the lesson's (`--pin`), so `replay`, and `fetch`/`doctor`/`bundle images`
   * with `--workdir`, follow it (absent in state files written before pins existed).
   */
  pins?: Record<string, VersionPin>;
  binDir?: string;
  /** Marker value of this work directory's processes (MARKER_ENV). */
  marker: string;
  tmuxSocket: string;
  /** Processes the engine started (tmux server, session shells), with start times. */
  processes: ProcessRecord[];
  components: Record<string, ComponentRecord>;
  /** The lesson's reset paths and TLS material, for `replay`, `cleanup --purge` and `status`. */
  reset: string[];
  /** What the components leave on the machine (the lesson's `leftovers:`), removed by reset and clean-up. */
  leftovers?: Leftovers;
  /** UIDs of the Pods the lesson's kubelet ran (noted at each step), whose logs a reset or clean-up removes. */
  kubeletPods?: string[];
  /** Host folders that did not exist when the lesson first ran here: a purge removes them once empty. */
  absentAtStart?: string[];
  tls?: { ca: string; cert?: string; key?: string };
  progress?: SavedProgress;
  /** The talk's clock (see talk-clock.ts): kept by the presenter, so it survives a restart. */
  talk?: TalkClock;
  updatedAt: string;
}

/** A fresh state for a work directory. */
export function newWorkdirState(
  fields: Omit<WorkdirState, 'version' | 'marker' | 'processes' | 'components' | 'updatedAt'>,
): WorkdirState {
  return {
    version: 1,
    marker: randomBytes(12).toString('hex'),
    processes: [],
    components: {},
    updatedAt: new Date().toISOString(),
    ...fields,
  };
}

/** Read state.json (undefined when there is none). */
export async function readState(file: string): Promise<WorkdirState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DemystifyError('STATE_READ', `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const state = JSON.parse(text) as WorkdirState;
    if (state.version !== 1) throw new Error(`unknown version ${String(state.version)}`);
    return state;
  } catch (error) {
    throw new DemystifyError(
      'STATE_INVALID',
      `${file} is not a demystify state file: ${(error as Error).message}`,
      {
        cause: error,
        hint: 'move it away, or run demystify cleanup --purge',
      },
    );
  }
}

/**
 * Write state.json atomically (writeFileSafely: a temporary file in the same folder, flushed to disk,
 * then renamed over the old one), so a crash leaves either the old or the new state, never half of one.
 */
export async function writeState(file: string, state: WorkdirState): Promise<void> {
  const text = `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`;
  await writeFileSafely(file, text, { mode: 0o644, parents: true });
}

/**
 * A state.json owned by one process: changes are applied one at a time (read, change, write), so
 * concurrent updates from the effect loop never lose each other.
 */
export class StateStore {
  readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.file = file;
  }

  read(): Promise<WorkdirState | undefined> {
    return readState(this.file);
  }

  /** Apply a change to the current state (which must exist) and write it. */
  update(change: (state: WorkdirState) => WorkdirState | void): Promise<WorkdirState> {
    const next = this.chain.then(async () => {
      const current = await readState(this.file);
      if (!current) throw new DemystifyError('STATE_MISSING', `${this.file} is missing`);
      const changed = change(current) ?? current;
      await writeState(this.file, changed);
      return changed;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Replace the whole state. */
  write(state: WorkdirState): Promise<void> {
    const next = this.chain.then(() => writeState(this.file, state));
    this.chain = next.catch(() => undefined);
    return next;
  }
}
