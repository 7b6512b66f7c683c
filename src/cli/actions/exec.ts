import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import { runAttached } from '../../adapters/processes/exec-file.js';
import { isolationLive, nsenterPrefix, readIsolation } from '../../adapters/isolation/isolation.js';
import { DemystifyError, UsageError } from '../../errors.js';
import { workdirRootFor } from '../common.js';
import type { CliIo } from '../context.js';

/** Options of `demystify exec`. */
export interface ExecCommandOptions {
  workdir?: string;
  lesson?: string;
  lang?: string;
}

/**
 * Run a command inside an isolated lesson's network namespace, through `nsenter --net=` (not
 * `ip netns exec`, which remounts /sys and would hide the cgroup mounts kubelet needs). The lesson's
 * `bin/` comes first on PATH, as in its sessions. Returns the command's exit code (128+n for a signal).
 */
export async function runExec(command: string[], opts: ExecCommandOptions, io: CliIo): Promise<number> {
  if (command.length === 0) {
    throw new UsageError('exec needs a command', { hint: 'demystify exec -- curl -s http://10.0.0.1:3000/' });
  }
  const root = await workdirRootFor(opts.lesson, opts.workdir, opts.lang);
  const record = await readIsolation(root);
  if (!record) {
    throw new DemystifyError('NOT_ISOLATED', `the lesson in ${root} is not isolated`, {
      exitCode: 2,
      hint: 'run it with --isolate (or isolate: true in its front matter); otherwise run the command directly',
    });
  }
  if (!isolationLive(record)) {
    throw new DemystifyError(
      'ISOLATION_GONE',
      `the namespace ${record.namespace} of ${root} no longer exists`,
      {
        hint: 'run demystify cleanup, then run the lesson again',
      },
    );
  }
  const bin = join(root, 'bin');
  const path = [...(existsSync(bin) ? [bin] : []), process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'];
  const [file, ...args] = [...nsenterPrefix(record), '--', ...command];
  // A person at a terminal gets the terminal itself (a shell, a pager); otherwise output goes through io.
  const result = await runAttached(file!, args, {
    // The user's environment with the lesson's PATH (what execa's extendEnv gave).
    env: { ...process.env, PATH: path.join(delimiter) },
    tty: io.isTTY,
    onStdout: io.stdout,
    onStderr: io.stderr,
  });
  if (result.errorCode === 'ENOENT') {
    throw new DemystifyError('EXEC', 'nsenter is not installed', { hint: 'it comes with util-linux' });
  }
  if (result.signal) return 128 + (constants.signals[result.signal] ?? 0);
  return result.exitCode ?? 1;
}
