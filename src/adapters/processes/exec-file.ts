import { spawn } from 'node:child_process';

/**
 * Every program the CLI runs to its end goes through this module, with node's own child_process rather
 * than execa: importing execa alone costs ~150 ms (measured 147–231 ms against 0.1 ms for
 * node:child_process), which `run --headless`, `doctor` and `bundle` would pay on every invocation, and
 * these few needs (output, exit code, timeout, stdin) do not need it (see docs/performance.md).
 * Long-lived children that are talked to while they run (the probe agent, rehearsal's CLI child) spawn
 * their own.
 */

/** What a program run to its end returned. */
export interface FileResult {
  /** Exit code; undefined when it could not start or was killed by a signal. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** `ENOENT` when the program does not exist, `ETIMEDOUT` after `timeoutMs`. */
  errorCode?: string;
  /** The signal that ended it (after a timeout, the one sent). */
  signal?: NodeJS.Signals;
}

/** Options of {@link runFile}. */
export interface RunFileOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /**
   * Sent after `timeoutMs` (default SIGKILL); any other signal is followed by SIGKILL 5 s later if the
   * program is still there.
   */
  killSignal?: NodeJS.Signals;
  signal?: AbortSignal;
  /** Drop one final newline from stdout and stderr (what a caller parsing a line wants). */
  stripFinalNewline?: boolean;
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
            const killSignal = options.killSignal ?? 'SIGKILL';
            child.kill(killSignal);
            if (killSignal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      errorCode ??= error.code ?? 'ERROR';
    });
    const text = (chunks: Buffer[]): string => {
      const all = Buffer.concat(chunks).toString('utf8');
      return options.stripFinalNewline ? all.replace(/\r?\n$/, '') : all;
    };
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        // A program that could not start "exits" with the negative libuv error (-2 for ENOENT): no exit code.
        exitCode: code === null || code < 0 ? undefined : code,
        stdout: text(out),
        stderr: text(err),
        ...(errorCode ? { errorCode } : {}),
        ...(signal ? { signal } : {}),
      });
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
  });
}

/** Why a program gave no exit code, in one line: it did not start, timed out, or was killed. */
export function failureMessage(file: string, args: string[], result: FileResult, timeoutMs?: number): string {
  const command = [file, ...args].join(' ');
  if (result.errorCode === 'ETIMEDOUT')
    return `Command timed out after ${timeoutMs ?? 0} milliseconds: ${command}`;
  if (result.errorCode) return `Command failed with ${result.errorCode}: ${command}`;
  if (result.signal) return `Command was killed with ${result.signal}: ${command}`;
  return `Command failed: ${command}`;
}

/** How a program run on the user's terminal ended. */
export interface AttachedResult {
  exitCode: number | undefined;
  signal?: NodeJS.Signals;
  /** `ENOENT` when the program does not exist. */
  errorCode?: string;
}

/**
 * Run a program on the user's terminal: stdin inherited, stdout and stderr inherited too when `tty`,
 * else handed to `onStdout`/`onStderr` as they come.
 */
export function runAttached(
  file: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    tty: boolean;
    onStdout: (text: string) => void;
    onStderr: (text: string) => void;
  },
): Promise<AttachedResult> {
  return new Promise((resolve) => {
    const output = options.tty ? 'inherit' : 'pipe';
    const child = spawn(file, args, {
      ...(options.env ? { env: options.env } : {}),
      stdio: ['inherit', output, output],
    });
    let errorCode: string | undefined;
    child.stdout?.on('data', (chunk: Buffer) => options.onStdout(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      errorCode ??= error.code ?? 'ERROR';
    });
    child.once('close', (code, signal) => {
      resolve({
        // A program that could not start "exits" with the negative libuv error (-2 for ENOENT): no exit code.
        exitCode: code === null || code < 0 ? undefined : code,
        ...(signal ? { signal } : {}),
        ...(errorCode ? { errorCode } : {}),
      });
    });
  });
}
