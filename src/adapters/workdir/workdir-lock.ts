import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';
import { processInfo } from '../processes/process-tree.js';
import { osReason, PRIVATE_FILE_MODE } from './workdir-setup.js';

/**
 * One command at a time per work directory: `run`, `replay`, the presenter and `cleanup` take
 * `WORKDIR/demystify.lock` first (docs/reliability.md). Two runs on one machine would otherwise wreck each
 * other: the second one's reset ends the first one's components, its keystrokes land in the first one's
 * command, and state.json keeps only one of them.
 *
 * The lock file holds the holder's pid, its start time (field 22 of /proc/PID/stat: a reused pid is never
 * taken for the holder), the command and its arguments. It is created whole and atomically: written to a
 * temporary file, then hard-linked to its name, which fails when the name exists (the O_EXCL of links).
 * A lock whose holder is gone (a crash, a kill -9) is stale and taken over: moved aside, and removed only
 * when what was moved is the very file found stale (same inode), so two takers never both win.
 */

/** The lock file of a work directory. */
export function lockFile(root: string): string {
  return join(root, 'demystify.lock');
}

/** Who holds a work directory. */
export interface LockHolder {
  pid: number;
  /** Start time of the holder (clock ticks since boot), with the pid its identity. */
  startTime: number;
  /** The command (`run`, `replay`, `present`, `cleanup`). */
  command: string;
  /** Its command line, for the message of whoever finds the lock taken. */
  argv: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

/** A lock held by this process. */
export interface WorkdirLock {
  readonly file: string;
  /** Remove the lock if it is still this process's (safe to call twice). */
  release(): Promise<void>;
}

/** How to take a lock. */
export interface LockOptions {
  /** The command taking it, e.g. `run`. */
  command: string;
  /** Wait until the holder is done instead of refusing (`--wait`). */
  wait?: boolean;
  /** Told once when the lock is taken and this waits for it. */
  onWait?: (holder: LockHolder) => void;
  /** Hint of the refusal (default: wait for it, or --wait). */
  hint?: (holder: LockHolder) => string;
  /** Polling delays while waiting (tests). */
  pollMs?: { first: number; max: number };
}

/** The command line of this process, as a person typed it. */
function ownArgv(): string {
  const args = process.argv
    .slice(2)
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  return ['demystify', ...args].join(' ');
}

/**
 * Take the lock of a work directory (which must exist: see ensureWorkdir). Refuses with WORKDIR_BUSY,
 * naming the holder, unless `wait` is set; a stale lock is taken over.
 */
export async function lockWorkdir(root: string, options: LockOptions): Promise<WorkdirLock> {
  const file = lockFile(root);
  const self = await processInfo(process.pid);
  const me: LockHolder = {
    pid: process.pid,
    startTime: self?.startTime ?? 0,
    command: options.command,
    argv: ownArgv(),
    since: new Date().toISOString(),
  };
  let told = false;
  let delay = options.pollMs?.first ?? 50;
  for (;;) {
    if (await tryCreate(file, me)) break;
    const found = await readLock(file);
    if (found === undefined) continue; // Released meanwhile: try again at once.
    if (!(await isLive(found.holder))) {
      await takeOver(file, found.ino);
      continue;
    }
    if (!options.wait) {
      throw new DemystifyError(
        'WORKDIR_BUSY',
        `the work directory ${root} is in use by ${describeHolder(found.holder)}`,
        {
          hint:
            options.hint?.(found.holder) ??
            'wait for it to end (or add --wait to wait for it); demystify cleanup --force ends it and what it started',
        },
      );
    }
    if (!told) {
      told = true;
      options.onWait?.(found.holder);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(Math.round(delay * 1.5), options.pollMs?.max ?? 500);
  }
  // A process that ends without releasing (an error on the way out, a second Ctrl-C) still leaves no lock.
  const onExit = (): void => {
    try {
      const text = readFileSync(file, 'utf8');
      const holder = parseHolder(text);
      if (holder && holder.pid === me.pid && holder.startTime === me.startTime) unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', onExit);
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      const found = await readLock(file).catch(() => undefined);
      if (found && found.holder.pid === me.pid && found.holder.startTime === me.startTime)
        await rm(file, { force: true });
    },
  };
}

/** The live holder of a work directory's lock, if any (a stale lock counts as none). */
export async function lockHolder(root: string): Promise<LockHolder | undefined> {
  const found = await readLock(lockFile(root)).catch(() => undefined);
  return found && (await isLive(found.holder)) ? found.holder : undefined;
}

/** `pid 1234 (demystify run lesson.md --headless, since 12:00:01)`. */
export function describeHolder(holder: LockHolder): string {
  const since = Number.isNaN(Date.parse(holder.since))
    ? ''
    : `, since ${new Date(holder.since).toLocaleTimeString()}`;
  return `pid ${holder.pid} (${holder.argv}${since})`;
}

/** Is the holder still the same live process? */
export async function isLive(holder: LockHolder): Promise<boolean> {
  const info = await processInfo(holder.pid);
  return info !== undefined && info.startTime === holder.startTime;
}

/** Create the lock whole (temp file, then a hard link to its name); false when it exists. */
async function tryCreate(file: string, me: LockHolder): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(me)}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DemystifyError(
      'WORKDIR_INVALID',
      `cannot lock the work directory: ${file}: ${osReason(error)}`,
      {
        exitCode: 2,
        cause: error,
        hint: 'give --workdir a folder you can write to',
      },
    );
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** The lock's holder and inode; undefined when there is no lock. A damaged lock reads as a dead holder. */
async function readLock(file: string): Promise<{ holder: LockHolder; ino: number } | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DemystifyError('WORKDIR_LOCK', `cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    const ino = (await handle.stat()).ino;
    const holder = parseHolder(await handle.readFile('utf8'));
    return { holder: holder ?? { pid: 0, startTime: 0, command: '?', argv: '?', since: '' }, ino };
  } finally {
    await handle.close();
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.startTime !== 'number') return undefined;
    return {
      pid: value.pid,
      startTime: value.startTime,
      command: String(value.command ?? '?'),
      argv: String(value.argv ?? value.command ?? '?'),
      since: String(value.since ?? ''),
    };
  } catch {
    return undefined;
  }
}

/**
 * Remove a stale lock, and only that one: it is moved aside first, then removed if what was moved is the
 * file found stale (inode numbers are unique among existing files); a live lock moved by mistake (taken
 * between the look and the move) is put back.
 */
async function takeOver(file: string, staleIno: number): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if ((await stat(aside)).ino !== staleIno) await link(aside, file).catch(() => undefined);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}
