import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { DemystifyError } from '../../errors.js';
import { stripEscapes } from './shell-marks.js';

/** LOG_GONE: a session's log was removed while the engine followed it. */
function logGone(file: string): DemystifyError {
  return new DemystifyError('LOG_GONE', `${file} was removed while the engine was reading it`, {
    hint: "leave the work directory's logs/ alone while a lesson runs; the next run or replay starts a new log",
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Size of a log in bytes (0 when it does not exist yet). */
export async function logSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** The log's text from a byte offset to its end (at most `maxBytes`, the latest ones). */
export async function readLogFrom(file: string, offset: number, maxBytes = 8 * 1024 * 1024): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = (await handle.stat()).size;
    const start = Math.max(offset, size - maxBytes, 0);
    if (size <= start) return '';
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The last `count` lines a person would read in a log (escapes removed, blank lines dropped). */
export async function logTail(file: string, count: number): Promise<string[]> {
  const size = await logSize(file);
  const text = stripEscapes(await readLogFrom(file, Math.max(0, size - 64 * 1024)));
  const lines = text.split('\n').map((l) => l.trimEnd());
  return lines.filter((l) => l.length > 0).slice(-count);
}

/**
 * Wait until `test` finds what it wants in the log text written since `offset`. Woken by inotify
 * (fs.watch) as soon as tmux's pipe appends, with a slow timer as a safety net; rejects when `signal`
 * aborts. `test` sees the whole text since `offset` each time (it is small: one command's cycle).
 */
export function waitForLog<T>(
  file: string,
  offset: number,
  test: (text: string) => T | undefined,
  signal?: AbortSignal,
  pollMs = 100,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    // Started first so that every exit path can clear it; `check` is defined below and runs later.
    const timer = setInterval(() => void check(), pollMs);
    let checking = false;
    let again = false;
    let done = false;
    const finish = (error: unknown, value?: T): void => {
      if (done) return;
      done = true;
      watcher?.close();
      clearInterval(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(value as T);
    };
    const onAbort = (): void => finish(signal?.reason ?? new Error('aborted'));
    // A log that existed and is gone (`rm -rf logs/`) will never say anything again: tmux keeps writing
    // to the removed file. Waiting for it would last the step's whole timeout.
    let seen = offset > 0;
    const check = async (): Promise<void> => {
      if (done) return;
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          if (await exists(file)) seen = true;
          else if (seen) return finish(logGone(file));
          const found = test(await readLogFrom(file, offset));
          if (found !== undefined) return finish(undefined, found);
        } while (again && !done);
      } catch (error) {
        finish(error);
      } finally {
        checking = false;
      }
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = watch(file, { persistent: false }, () => void check());
      watcher.on('error', () => undefined);
    } catch {
      // The log does not exist yet: the timer covers it.
    }
    void check();
  });
}
