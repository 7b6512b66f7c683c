import { spawn } from 'node:child_process';

/**
 * Run a program to its end and collect its output, with node's own child_process: the engine calls
 * tmux several times per step, and importing execa alone costs ~150 ms of start-up, which `run --headless`
 * would pay on every invocation (see docs/performance.md).
 */
export interface FileResult {
  /** Exit code; undefined when it could not start or was killed by a signal. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** `ENOENT` when the program does not exist, `ETIMEDOUT` after `timeoutMs`. */
  errorCode?: string;
}

/** Options of {@link runFile}. */
export interface RunFileOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Run `file args...`; never rejects: failures are in the result. */
export function runFile(file: string, args: string[], options: RunFileOptions = {}): Promise<FileResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errorCode: string | undefined;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            errorCode = 'ETIMEDOUT';
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      errorCode ??= error.code ?? 'ERROR';
    });
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({
        exitCode: code ?? undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ...(errorCode ? { errorCode } : {}),
      });
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
  });
}
