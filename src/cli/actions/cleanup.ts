import { LessonMachine, type CleanupResult } from '../../adapters/lesson-machine.js';
import { readState } from '../../adapters/state-store.js';
import { removeIsolation } from '../../adapters/netns.js';
import { workdirLayout } from '../../adapters/workdir.js';
import type { CliIo } from '../context.js';
import type { CleanupCommandOptions } from '../commands/cleanup.js';
import { reportError } from '../report-error.js';
import { workdirRootFor } from './engine-common.js';

/**
 * End every process the engine started in a work directory (by recorded pid and run marker, whole
 * trees) and its tmux server, unmount what the lesson left mounted; `--purge` also removes the reset
 * paths and the generated state. The isolation (namespace, veth pair) is removed even when that failed,
 * and every failure is reported after the rest is done. Safe to run twice.
 */
export async function runCleanup(
  ref: string | undefined,
  opts: CleanupCommandOptions,
  io: CliIo,
): Promise<number> {
  const root = await workdirRootFor(ref, opts.workdir);
  const purge = opts.purge === true;
  const failures: unknown[] = [];
  let found = false;
  try {
    if ((await readState(workdirLayout(root).stateFile)) !== undefined) {
      found = true;
      const machine = await LessonMachine.open(root);
      io.stdout(describe(root, await machine.cleanup({ purge }), purge));
    }
  } catch (error) {
    failures.push(error);
  }
  // Isolation last, once nothing of the lesson runs in its namespace any more (docs/isolation.md), and
  // whatever happened above: the namespace and its veth pair never outlive the lesson.
  try {
    const removed = await removeIsolation(root);
    for (const line of removed) io.stdout(`removed ${line}\n`);
    found ||= removed.length > 0;
  } catch (error) {
    failures.push(error);
  }
  if (failures.length === 0) {
    if (!found) io.stdout(`nothing to clean up in ${root}\n`);
    return 0;
  }
  // Each failure with its hint, in order; the first one's exit code ends the command.
  const codes = failures.map((error) => reportError(error, io.stderr));
  return codes[0] ?? 1;
}

/** What a clean-up did, in a few lines. */
function describe(root: string, result: CleanupResult, purge: boolean): string {
  const lines: string[] = [];
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  if (result.ended.length > 0) {
    const server = result.server ? ' and the tmux server' : '';
    lines.push(`ended ${count(result.ended.length, 'process', 'processes')}${server} of ${root}`);
  } else {
    lines.push(`nothing was running in ${root}`);
  }
  if (result.unmounted.length > 0) {
    const busy = result.detached.length;
    const lazily = busy > 0 ? ` (${busy} still in use, detached lazily: ${result.detached.join(', ')})` : '';
    lines.push(`unmounted ${count(result.unmounted.length, 'mount', 'mounts')} the lesson left${lazily}`);
  }
  if (result.leftovers.length > 0) {
    const what = count(result.leftovers.length, 'file or folder', 'files and folders');
    lines.push(`removed ${what} the components left on the machine: ${result.leftovers.join(', ')}`);
  }
  if (purge) lines.push(`removed the reset paths and the generated state of ${root}`);
  return lines.map((line) => `${line}\n`).join('');
}
