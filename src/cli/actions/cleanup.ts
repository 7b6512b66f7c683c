import { WorkdirRuntime, type CleanupResult } from '../../adapters/runtime/workdir-runtime.js';
import { existsSync } from 'node:fs';
import { removeIsolation } from '../../adapters/isolation/isolation.js';
import { UsageError } from '../../errors.js';
import { workdirRootFor } from '../common.js';
import type { CliIo } from '../context.js';
import { reportError } from '../report-error.js';
import { handOverToPresenter } from './cleanup-handover.js';
import { lockForCleanup } from './workdir-lock.js';

/** Options of `demystify cleanup`. */
export interface CleanupCommandOptions {
  workdir?: string;
  purge?: boolean;
  wait?: boolean;
  force?: boolean;
}

/**
 * End every process the engine started in a work directory (by recorded pid, run marker, the tmux server on
 * its socket, daemons working in it; whole trees) and its tmux server, unmount what the lesson left mounted;
 * `--purge` also removes the reset paths and the generated state. Works without state.json (missing or
 * damaged: see WorkdirRuntime.openForCleanup). The isolation (namespace, veth pair) is removed even when
 * that failed, and every failure is reported after the rest is done. Safe to run twice. A command still
 * using the work directory (its lock) is refused, waited for (`--wait`) or ended first (`--force`); a
 * presenter holding it is asked to clean up and quit instead (see handOverToPresenter).
 */
export async function runCleanup(
  ref: string | undefined,
  opts: CleanupCommandOptions,
  io: CliIo,
): Promise<number> {
  const root = await workdirRootFor(ref, opts.workdir);
  if (root === '/') throw new UsageError('the work directory cannot be /');
  const purge = opts.purge === true;
  if (existsSync(root) && (await handOverToPresenter(root, opts))) {
    // Not waited for: the presenter's clean-up ends the lesson's shell, most likely the one running this.
    io.stdout(
      `asked the presenter of ${root} to clean up${purge ? ' (purge)' : ''} and quit: it stops everything the lesson started\n`,
    );
    return 0;
  }
  const lock = await lockForCleanup(root, opts, io);
  const failures: unknown[] = [];
  let found = false;
  try {
    try {
      if (existsSync(root)) {
        const runtime = await WorkdirRuntime.openForCleanup(root);
        const generated = purge && [runtime.files.layout.logs, runtime.files.dir].some((p) => existsSync(p));
        const result = await runtime.cleanup({ purge });
        found = result.state.source !== 'missing' || generated || somethingDone(result);
        if (found) io.stdout(describe(root, result, purge));
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
  } finally {
    await lock?.release();
  }
  if (failures.length === 0) {
    if (!found) io.stdout(`nothing to clean up in ${root}\n`);
    return 0;
  }
  // Each failure with its hint, in order; the first one's exit code ends the command.
  const codes = failures.map((error) => reportError(error, io.stderr));
  return codes[0] ?? 1;
}

/** Whether a clean-up without state.json found anything to do. */
function somethingDone(result: CleanupResult): boolean {
  return (
    result.ended.length > 0 || result.server || result.unmounted.length > 0 || result.leftovers.length > 0
  );
}

/** What a clean-up did, in a few lines. */
function describe(root: string, result: CleanupResult, purge: boolean): string {
  const lines: string[] = [];
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const { state } = result;
  if (state.source !== 'state.json') {
    const why = state.source === 'missing' ? 'state.json is missing' : state.problem;
    lines.push(
      `${why}: looked for what ${root} started by its marker file, its tmux socket and the daemons working in it`,
    );
    if (state.source === 'invalid' && state.movedTo)
      lines.push(`moved the damaged state file to ${state.movedTo}`);
  }
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
  if (purge && state.source === 'state.json')
    lines.push(`removed the reset paths and the generated state of ${root}`);
  else if (purge)
    lines.push(
      `removed the generated state of ${root} (without state.json, the lesson's reset paths are unknown)`,
    );
  return lines.map((line) => `${line}\n`).join('');
}
