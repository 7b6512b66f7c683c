import { LessonMachine } from '../../adapters/lesson-machine.js';
import { readState } from '../../adapters/state-store.js';
import { removeIsolation } from '../../adapters/netns.js';
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
  const hasState = (await readState(workdirLayout(root).stateFile)) !== undefined;
  if (hasState) {
    const machine = await LessonMachine.open(root);
    const { ended } = await machine.cleanup({ purge: opts.purge === true });
    const what = ended.length === 1 ? '1 process' : `${ended.length} processes`;
    io.stdout(
      `ended ${what} and the tmux server of ${root}${opts.purge ? '; removed its generated state' : ''}\n`,
    );
  }
  // Isolation last, once nothing of the lesson runs in its namespace any more (docs/isolation.md).
  const removed = await removeIsolation(root);
  for (const line of removed) io.stdout(`removed ${line}\n`);
  if (!hasState && removed.length === 0) io.stdout(`nothing to clean up in ${root}\n`);
  return 0;
}
