import { runFile } from '../processes/exec-file.js';
import { DemystifyError } from '../../errors.js';

/** What one host command gave. */
export interface HostResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Commands run on "the host": the network namespace demystify itself runs in. Injectable, so tests can
 * play the host inside a namespace of their own and fakes can record what would have been run.
 */
export interface HostCommands {
  /** Run a command; never rejects for a non-zero exit (a missing program is exit 127). */
  run(argv: string[]): Promise<HostResult>;
  /** Run a command that must succeed; returns stdout, throws a DemystifyError with its stderr otherwise. */
  must(argv: string[]): Promise<string>;
}

/**
 * The real host commands, through node's child_process (execa would add ~130 ms to every `run`). `prefix` (e.g. `['nsenter', '--net=/run/netns/test-host']`)
 * runs every one of them elsewhere: tests use it so the machine's own network is never touched.
 */
export function hostCommands(options: { prefix?: string[] } = {}): HostCommands {
  const prefix = options.prefix ?? [];
  const run = async (argv: string[]): Promise<HostResult> => {
    const [file, ...args] = [...prefix, ...argv];
    // Like execa: one final newline is not part of the output.
    const result = await runFile(file ?? 'true', args, { stripFinalNewline: true });
    const missing = result.errorCode === 'ENOENT';
    return {
      exitCode: missing ? 127 : (result.exitCode ?? 1),
      stdout: result.stdout,
      stderr: missing ? `${file}: not found` : result.stderr,
    };
  };
  return {
    run,
    async must(argv) {
      const result = await run(argv);
      if (result.exitCode !== 0) {
        throw new DemystifyError(
          'ISOLATE_COMMAND',
          `'${argv.join(' ')}' failed: ${(result.stderr || result.stdout).trim() || `exit ${result.exitCode}`}`,
          { hint: 'isolation needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2' },
        );
      }
      return result.stdout;
    },
  };
}
