import { statSync } from 'node:fs';
import { ensureWorkdir } from '../../adapters/workdir/workdir-setup.js';
import {
  describeHolder,
  isLive,
  lockHolder,
  lockWorkdir,
  type LockHolder,
  type WorkdirLock,
} from '../../adapters/workdir/workdir-lock.js';
import { DemystifyError, messageOf } from '../../errors.js';
import type { CliIo } from '../context.js';

/**
 * Set a work directory up (created owner-only, or refused at once with exit 2: see ensureWorkdir) and
 * take its lock for a command that changes it (`run`, `replay`, the presenter). Another command holding it
 * is named and this one refused, or, with `--wait`, waited for.
 */
export async function lockForCommand(
  root: string,
  command: string,
  opts: { wait?: boolean },
  io: CliIo,
): Promise<WorkdirLock> {
  await ensureWorkdir(root);
  return lockWorkdir(root, {
    command,
    wait: opts.wait === true,
    onWait: (holder) =>
      io.stderr(`demystify: waiting for ${describeHolder(holder)} to be done with ${root}\n`),
  });
}

/**
 * The lock of `cleanup`: none when the work directory does not exist (there is nothing to lock, and the
 * clean-up still looks for what it left). A live holder is refused, waited for (`--wait`), or, with
 * `--force`, ended first: SIGTERM (a headless run stops at once and saves its progress, a presenter quits),
 * SIGKILL after `graceMs`.
 */
export async function lockForCleanup(
  root: string,
  opts: { wait?: boolean; force?: boolean },
  io: CliIo,
  graceMs = 10_000,
): Promise<WorkdirLock | undefined> {
  const info = statSync(root, { throwIfNoEntry: false });
  if (!info) return undefined;
  if (!info.isDirectory())
    throw new DemystifyError('WORKDIR_INVALID', `${root} is not a work directory: it is not a folder`, {
      exitCode: 2,
      hint: 'give --workdir the folder the lesson ran in',
    });
  if (opts.force) {
    const holder = await lockHolder(root);
    if (holder) {
      io.stderr(`demystify: ending ${describeHolder(holder)}, which holds ${root}\n`);
      await endHolder(holder, graceMs);
    }
  }
  return lockWorkdir(root, {
    command: 'cleanup',
    wait: opts.wait === true,
    onWait: (holder) =>
      io.stderr(`demystify: waiting for ${describeHolder(holder)} to be done with ${root}\n`),
    hint: () =>
      'wait for it to end (or add --wait); demystify cleanup --force ends it first, then everything the work directory started',
  });
}

/** SIGTERM, then SIGKILL after the grace; an error when it cannot be signalled (another user's). */
async function endHolder(holder: LockHolder, graceMs: number): Promise<void> {
  // Checked again just before each signal: a pid that ended meanwhile may be someone else's by now.
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (!(await isLive(holder))) return;
    try {
      process.kill(holder.pid, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw new DemystifyError('WORKDIR_BUSY', `cannot end pid ${holder.pid}: ${messageOf(error)}`, {
        cause: error,
        hint: 'it belongs to another user: end it as that user, or as root',
      });
    }
  };
  await signal('SIGTERM');
  const end = Date.now() + graceMs;
  for (let delay = 20; Date.now() < end; delay = Math.min(delay * 2, 200)) {
    if (!(await isLive(holder))) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  await signal('SIGKILL');
  for (let i = 0; i < 100 && (await isLive(holder)); i++) await new Promise((r) => setTimeout(r, 20));
}
