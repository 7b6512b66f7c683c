import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DemystifyError } from '../../errors.js';

/**
 * The one way demystify writes a file. Every writer (state.json, the PKI, kubeconfigs, the download cache,
 * the isolation record, bundles, the engine's files) goes through {@link writeFileSafely}, so that a path
 * given on the command line is treated the same everywhere, and a device is never replaced by a file:
 *
 * - missing or a regular file: a temp file with a unique name beside it (`.NAME.PID.RANDOM.tmp`), created
 *   with the mode asked for, flushed to disk, renamed over the target, then the folder flushed; a reader
 *   sees the old or the new content, never half, and any failure removes the temp file;
 * - a character device (`/dev/null`, a terminal) or a FIFO: written in place, never renamed over, its
 *   mode untouched (a FIFO's write waits for a reader, as the shell's `>` does);
 * - a directory: refused (`WRITE_IS_DIRECTORY`); a block device or a socket: refused (`WRITE_SPECIAL_FILE`);
 * - a symbolic link: followed (link after link) to what it names, and the rules above apply to that; the
 *   link itself stays. Like the kernel's `fs.protected_symlinks`, a link owned by another user in a sticky
 *   world-writable folder (`/tmp`) is not followed (`WRITE_UNSAFE_LINK`): as root on a shared machine,
 *   that is how someone else would make demystify overwrite a file of their choosing.
 */

/** What can be written: text (UTF-8), bytes, or chunks of either (a stream), written as they come. */
export type FileData =
  string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** How to write. */
export interface WriteFileOptions {
  /** Mode of a file that is created or replaced, set exactly whatever the umask (default 0o644). */
  mode?: number;
  /** Create the target's folder and its parents first (default: a missing folder fails with ENOENT). */
  parents?: boolean;
}

/** What {@link writeFileSafely} wrote to. */
export interface WrittenFile {
  /** The path written: the one given, or what it links to. */
  path: string;
  /** A regular file (created or replaced), or a character device or FIFO written in place. */
  kind: 'file' | 'character-device' | 'fifo';
  /** Bytes written. */
  bytes: number;
}

/** Links followed at most, as the kernel's own limit (ELOOP). */
const MAX_LINKS = 40;

/** Write `data` to `path` by the rules above. */
export async function writeFileSafely(
  path: string,
  data: FileData,
  options: WriteFileOptions = {},
): Promise<WrittenFile> {
  const mode = options.mode ?? 0o644;
  if (options.parents) await mkdir(dirname(path), { recursive: true });
  const target = await resolveWriteTarget(path);
  const info = await lstatOrUndefined(target);
  if (!info || info.isFile())
    return { path: target, kind: 'file', bytes: await replaceFile(target, data, mode) };
  if (info.isCharacterDevice() || info.isFIFO()) return writeInPlace(path, target, data);
  throw refusal(path, target, info);
}

/**
 * The text of the regular file a write to `path` would replace, or undefined when there is none: missing,
 * or a device or FIFO (reading those would consume input or wait for a writer). Lets a caller keep a file
 * that already says the same.
 */
export async function readReplaceable(path: string): Promise<string | undefined> {
  const target = await resolveWriteTarget(path);
  const info = await lstatOrUndefined(target);
  return info?.isFile() ? readFile(target, 'utf8') : undefined;
}

/**
 * Where a write to `path` lands: `path` itself unless it is a symbolic link, else what the chain of links
 * names (which may not exist yet). Links in the folders above are left to the kernel.
 */
async function resolveWriteTarget(path: string): Promise<string> {
  let current = path;
  for (let followed = 0; followed <= MAX_LINKS; followed++) {
    const info = await lstatOrUndefined(current);
    if (!info?.isSymbolicLink()) return current;
    await checkLinkMayBeFollowed(current, info);
    current = resolve(dirname(current), await readlink(current));
  }
  throw new DemystifyError('WRITE_LINK_LOOP', `${path}: more than ${MAX_LINKS} symbolic links to follow`, {
    hint: 'a link points back to itself; fix or remove it (ls -l shows where each points)',
  });
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The kernel's `fs.protected_symlinks` rule, which a link resolved by hand would otherwise escape. */
async function checkLinkMayBeFollowed(link: string, info: Stats): Promise<void> {
  const euid = process.geteuid?.();
  if (euid === undefined || info.uid === euid) return;
  const folder = await stat(dirname(link));
  const shared = (folder.mode & 0o1000) !== 0 /* sticky */ && (folder.mode & constants.S_IWOTH) !== 0;
  if (shared && folder.uid !== info.uid) {
    throw new DemystifyError(
      'WRITE_UNSAFE_LINK',
      `${link} is a symbolic link of another user (uid ${info.uid}) in the shared folder ${dirname(link)}: not followed`,
      { hint: 'write somewhere else, or remove the link if you trust neither it nor its owner' },
    );
  }
}

function refusal(path: string, target: string, info: Stats): DemystifyError {
  const named = target === path ? path : `${path} (a link to ${target})`;
  if (info.isDirectory()) {
    return new DemystifyError('WRITE_IS_DIRECTORY', `${named} is a directory: cannot write a file there`, {
      hint: `give the path of a file, e.g. ${join(path, 'NAME')}`,
    });
  }
  const what = info.isBlockDevice() ? 'a block device' : info.isSocket() ? 'a socket' : 'a special file';
  return new DemystifyError('WRITE_SPECIAL_FILE', `${named} is ${what}: demystify does not write to it`, {
    hint: 'give the path of a regular file (a character device such as /dev/null or a FIFO also works)',
  });
}

/** A unique temp name beside `target` (the name cut so it stays within NAME_MAX). */
function tempPath(target: string): string {
  const name = basename(target).slice(0, 200);
  return join(dirname(target), `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Temp file, mode, fsync, rename over the target, fsync the folder. Returns the bytes written. */
async function replaceFile(target: string, data: FileData, mode: number): Promise<number> {
  const temp = tempPath(target);
  // 'wx': O_CREAT|O_EXCL, never opens something that is already there (nor follows a link planted there).
  const handle = await open(temp, 'wx', mode);
  let bytes: number;
  try {
    try {
      bytes = await writeAll(handle, data);
      // The umask may have narrowed the mode given to open; set it exactly, before the name is visible.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(target));
  return bytes;
}

/**
 * Flush a folder, so the rename survives a crash. The rename has happened by now: a folder that cannot be
 * opened or flushed (a file system without it, a folder without read permission) is not an error.
 */
async function syncFolder(folder: string): Promise<void> {
  const tolerated = new Set(['EINVAL', 'ENOTSUP', 'EROFS', 'EACCES', 'EPERM']);
  let handle: Handle | undefined;
  try {
    handle = await open(folder, constants.O_RDONLY | constants.O_DIRECTORY);
    await handle.sync();
  } catch (error) {
    if (!tolerated.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Write a character device or FIFO in place: opened write-only without O_CREAT or O_TRUNC (so nothing is
 * created or cut if the path changed meanwhile), not through a link, checked again once open.
 */
async function writeInPlace(path: string, target: string, data: FileData): Promise<WrittenFile> {
  const handle = await open(target, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NOCTTY);
  try {
    const info = await handle.stat();
    const kind = info.isCharacterDevice() ? 'character-device' : info.isFIFO() ? 'fifo' : undefined;
    if (!kind) {
      throw new DemystifyError(
        'WRITE_TARGET_CHANGED',
        `${path} is no longer a device or FIFO: it was replaced just before the write`,
        {
          hint: 'something else is replacing it; try again once it has stopped',
        },
      );
    }
    return { path: target, kind, bytes: await writeAll(handle, data) };
  } finally {
    await handle.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

async function writeAll(handle: Handle, data: FileData): Promise<number> {
  if (typeof data === 'string') {
    const bytes = Buffer.from(data, 'utf8');
    await writeFile(handle, bytes);
    return bytes.byteLength;
  }
  if (data instanceof Uint8Array) {
    await writeFile(handle, data);
    return data.byteLength;
  }
  const counter = { bytes: 0 };
  await writeFile(handle, counted(data, counter));
  return counter.bytes;
}

async function* counted(
  source: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    counter.bytes += bytes.byteLength;
    yield bytes;
  }
}
