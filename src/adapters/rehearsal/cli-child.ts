import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** This installation's CLI entry point. */
const CLI_BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));

/** How a child `demystify` ended. */
export interface CliChildResult {
  /** Exit code (undefined: killed by a signal, or it could not start). */
  code: number | undefined;
  stdout: string;
  stderr: string;
}

/**
 * Run this very demystify (same Node, same installation) with some arguments, as a child process, and
 * hand each line of its stdout to `onLine` as it comes. Resolves when it has ended. Ctrl-C in the
 * terminal reaches it too (same process group): a `run` then starts no further step and ends.
 */
export function runCliChild(
  args: string[],
  options: { onLine?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<CliChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => (stderr += `${error.message}\n`));
    child.once('close', (code) => {
      if (pending) options.onLine?.(pending);
      resolve({ code: code ?? undefined, stdout, stderr });
    });
  });
}
