import { existsSync, watch } from 'node:fs';
import { LessonMachine } from '../../adapters/lesson-machine.js';
import { logSize, readLogFrom } from '../../adapters/session-log.js';
import { stripEscapes } from '../../adapters/shell-marks.js';
import { DemystifyError, UsageError } from '../../errors.js';
import type { CliIo } from '../context.js';
import type { LogsCommandOptions } from '../commands/logs.js';
import { sessionOf, workdirRootFor } from './engine-common.js';

/** Print a session's log; with `-f`, keep printing what is appended until Ctrl-C. */
export async function runLogs(component: string, opts: LogsCommandOptions, io: CliIo): Promise<number> {
  const machine = await LessonMachine.open(await workdirRootFor(opts.lesson, opts.workdir));
  const file = machine.terminal.logFile(sessionOf(machine.current(), component));
  if (!existsSync(file))
    throw new DemystifyError('NO_LOG', `no log for '${component}' (${file})`, {
      hint: 'see demystify status',
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
