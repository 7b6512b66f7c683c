import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';

/** Mode of the work directory and the folders demystify makes in it: owner only (docs/reliability.md). */
const WORKDIR_MODE = 0o700;
/** Mode of the files demystify writes in a work directory (state.json, logs, isolation.json, the lock). */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Make sure a work directory exists, is a folder, and is the owner's only (0700): created folder by folder
 * (never `mkdir -p`, which spins forever under /proc), an existing one tightened when it is the caller's
 * own. A session log records everything typed and printed, keys included, so nobody else may read it.
 * Any failure is the user's choice of folder: a clear error with exit code 2, at once.
 */
export async function ensureWorkdir(root: string): Promise<void> {
  const abs = resolve(root);
  // Cleanup ends the daemons working in it and unmounts what is below it: never the whole machine.
  if (abs === '/')
    throw new DemystifyError('WORKDIR_INVALID', 'the work directory cannot be /', {
      exitCode: 2,
      hint: 'give --workdir a folder of its own',
    });
  const missing: string[] = [];
  let existing = abs;
  for (;;) {
    const info = await statOrUndefined(existing, abs);
    if (info) {
      if (!info.isDirectory()) throw notAFolder(abs, existing);
      break;
    }
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  for (const path of missing) {
    try {
      // The folders above it are ordinary ones (`~/.local/share/demystify` holds every lesson's).
      await mkdir(path, { mode: path === abs ? WORKDIR_MODE : 0o777 });
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === 'EEXIST' &&
        (await statOrUndefined(path, abs))?.isDirectory()
      )
        continue;
      throw cannotCreate(abs, path, error);
    }
  }
  const info = await stat(abs);
  // mkdir's mode goes through the umask; an existing folder of ours keeps nothing for group or others.
  if ((info.mode & 0o077) !== 0 && info.uid === process.geteuid?.()) {
    await chmod(abs, WORKDIR_MODE).catch((error: unknown) => {
      throw cannotCreate(abs, abs, error);
    });
  }
}

async function statOrUndefined(
  path: string,
  root: string,
): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a file on the way; the walk up finds it and says which.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw cannotCreate(root, path, error);
  }
}

function notAFolder(root: string, path: string): DemystifyError {
  return new DemystifyError(
    'WORKDIR_INVALID',
    `the work directory ${root} cannot be used: ${path} is not a folder`,
    {
      exitCode: 2,
      hint: 'give --workdir a folder (or a path where one can be created)',
    },
  );
}

function cannotCreate(root: string, path: string, error: unknown): DemystifyError {
  return new DemystifyError(
    'WORKDIR_INVALID',
    `the work directory ${root} cannot be used: ${path}: ${osReason(error)}`,
    {
      exitCode: 2,
      cause: error,
      hint: 'give --workdir a folder you can write to',
    },
  );
}

/** `no such file or directory` out of `ENOENT: no such file or directory, mkdir '/proc/x'`. */
export function osReason(error: unknown): string {
  return messageOf(error)
    .replace(/^E[A-Z]+: /, '')
    .replace(/, \w+ '[^']*'(?: -> '[^']*')?$/, '');
}
