import { freePort } from '../helpers/ports.js';
export { freePort };
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, ROOT } from '../helpers/paths.js';
export { BIN, ROOT };

/** Run `demystify ...` as a child process; returns its output, throws on a non-zero exit. */
export async function demystify(args: string[], cwd?: string): Promise<string> {
  const result = await execa(process.execPath, [BIN, ...args], { ...(cwd ? { cwd } : {}) });
  return result.stdout;
}

/** A temp folder removed when the test ends. */
export async function tempDir(
  t: { after: (fn: () => Promise<void>) => void },
  prefix: string,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Whether a process with this PID still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
