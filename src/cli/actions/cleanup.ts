import { LessonMachine } from '../../adapters/lesson-machine.js';
import { readState } from '../../adapters/state-store.js';
import { workdirLayout } from '../../adapters/workdir.js';
import type { CliIo } from '../context.js';
import type { CleanupCommandOptions } from '../commands/cleanup.js';
import { workdirRootFor } from './engine-common.js';

/**
 * End every process the engine started in a work directory (by recorded pid and run marker, whole
 * trees) and its tmux server; `--purge` also removes the generated state. Safe to run twice.
 */
export async function runCleanup(
  ref: string | undefined,
  opts: CleanupCommandOptions,
  io: CliIo,
): Promise<number> {
  const root = await workdirRootFor(ref, opts.workdir);
  if (!(await readState(workdirLayout(root).stateFile))) {
    io.stdout(`nothing to clean up in ${root}\n`);
    return 0;
  }
  const machine = await LessonMachine.open(root);
  const { ended } = await machine.cleanup({ purge: opts.purge === true });
  const what = ended.length === 1 ? '1 process' : `${ended.length} processes`;
  io.stdout(
    `ended ${what} and the tmux server of ${root}${opts.purge ? '; removed its generated state' : ''}\n`,
  );
  return 0;
}
