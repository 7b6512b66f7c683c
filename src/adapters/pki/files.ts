import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Mode of a private key (and of a kubeconfig, which embeds one): owner read/write only. */
export const PRIVATE_MODE = 0o600;
/** Mode of a certificate or public key: anyone may read it. */
export const PUBLIC_MODE = 0o644;

/** The file system as the PKI needs it; tests pass a fake or a temp directory. */
export interface PkiFs {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** Replace the file atomically (a reader sees the old or the new content, never half) with this mode. */
  writeAtomic(path: string, data: string, mode: number): Promise<void>;
  /** Create the folder and its parents. */
  mkdirp(path: string): Promise<void>;
}

/** The real file system. */
export const nodePkiFs: PkiFs = {
  async read(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  writeAtomic,
  async mkdirp(path) {
    await mkdir(path, { recursive: true });
  },
};

/**
 * Write `data` to a temp file in the same folder, created with `mode` (so a key is never readable by
 * others, even for a moment), flushed to disk, then renamed over `path`: rename is atomic on one file system.
 */
export async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have narrowed the mode given to open; set it exactly.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
