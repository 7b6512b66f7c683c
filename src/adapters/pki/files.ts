import { mkdir, readFile } from 'node:fs/promises';
import { readReplaceable, writeFileSafely } from '../files/write-file-safely.js';

/** Mode of a private key (and of a kubeconfig, which embeds one): owner read/write only. */
export const PRIVATE_MODE = 0o600;
/** Mode of a certificate or public key: anyone may read it. */
export const PUBLIC_MODE = 0o644;

/** The file system as the PKI needs it; tests pass a fake or a temp directory. */
export interface PkiFs {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /**
   * What a write to `path` would replace: the text of a regular file, undefined when there is none (or
   * `path` is a device or FIFO, which are never read to compare).
   */
  readReplaceable(path: string): Promise<string | undefined>;
  /**
   * Replace the file atomically (a reader sees the old or the new content, never half) with this mode; a
   * character device or FIFO is written in place (see writeFileSafely).
   */
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
  readReplaceable,
  writeAtomic,
  async mkdirp(path) {
    await mkdir(path, { recursive: true });
  },
};

/**
 * Write `data` with `mode` through writeFileSafely: a temp file created with the mode (so a key is never
 * readable by others, even for a moment), flushed, renamed over `path`; a device is written in place.
 */
export async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  await writeFileSafely(path, data, { mode });
}
