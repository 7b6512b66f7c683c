import { watch } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import { logSize, readLogFrom } from '../../adapters/tmux/session-log.js';
import { stripEscapes } from '../../adapters/tmux/shell-marks.js';
import { DemystifyError, UsageError } from '../../errors.js';
import { workdirRootFor } from '../common.js';
import type { CliIo } from '../context.js';
import { sessionOf } from './engine-common.js';

/** Options of `demystify logs`. */
export interface LogsCommandOptions {
  follow?: boolean;
  lines?: string;
  raw?: boolean;
  lesson?: string;
  workdir?: string;
}

/** What a component or session name looks like (as the lesson's `session=` attribute allows). */
const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The components and sessions that have a log: what `logs` accepts. */
async function knownNames(runtime: WorkdirRuntime): Promise<string[]> {
  const names = new Set(Object.keys(runtime.current().components));
  const files = await readdir(runtime.files.layout.logs).catch(() => [] as string[]);
  for (const file of files) if (file.endsWith('.log')) names.add(file.slice(0, -'.log'.length));
  return [...names].filter((n) => SESSION_NAME.test(n)).sort();
}

/** Print a session's log; with `-f`, keep printing what is appended until Ctrl-C. */
export async function runLogs(component: string, opts: LogsCommandOptions, io: CliIo): Promise<number> {
  const runtime = await WorkdirRuntime.open(await workdirRootFor(opts.lesson, opts.workdir));
  const known = await knownNames(runtime);
  // Only a name: a path (`../../../var/log/dpkg`) would read any file of the machine, as root.
  if (!SESSION_NAME.test(component)) {
    throw new UsageError(`'${component}' is not a component: logs takes a component's or a session's name`, {
      hint: known.length > 0 ? `one of: ${known.join(', ')}` : 'see demystify status',
    });
  }
  const file = runtime.terminal.logFile(sessionOf(runtime.current(), component));
  const info = await lstat(file).catch(() => undefined);
  if (!info || !info.isFile())
    throw new DemystifyError('NO_LOG', `no log for '${component}' (${file})`, {
      hint: known.length > 0 ? `one of: ${known.join(', ')}` : 'see demystify status',
    });
  const count = opts.lines === undefined ? undefined : Number(opts.lines);
  if (count !== undefined && (!Number.isInteger(count) || count < 0))
    throw new UsageError(`--lines '${opts.lines}' must be a number`);
  // Escapes are kept only on request: a log holds cursor moves and prompt marks meant for a terminal.
  const clean = (text: string): string => (opts.raw ? text : stripEscapes(text));
  let offset = await logSize(file);
  let text = clean(await readLogFrom(file, 0));
  if (count !== undefined)
    text = text
      .split('\n')
      .slice(-count - 1)
      .join('\n');
  io.stdout(text);
  if (!opts.follow) return 0;
  await new Promise<void>((resolve) => {
    let reading = Promise.resolve();
    const pump = (): void => {
      reading = reading.then(async () => {
        const size = await logSize(file);
        if (size < offset) offset = 0;
        if (size === offset) return;
        const chunk = await readLogFrom(file, offset);
        offset = size;
        io.stdout(clean(chunk));
      });
    };
    const watcher = watch(file, () => pump());
    const timer = setInterval(pump, 500);
    process.once('SIGINT', () => {
      watcher.close();
      clearInterval(timer);
      resolve();
    });
  });
  return 0;
}
