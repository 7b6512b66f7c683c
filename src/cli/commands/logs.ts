import type { CommandDefinition } from '../context.js';
import { workdirOption } from './shared-options.js';
import type { LogsCommandOptions } from '../actions/logs.js';

/** `demystify logs COMPONENT [-f]`: print a session's log (WORKDIR/logs/<session>.log). */
export const defineLogs: CommandDefinition = (program, io, setExit) => {
  program
    .command('logs')
    .description('print a component log')
    .argument('<component>', "a component, or its session's name (shell: the lesson's shell)")
    .option('-f, --follow', 'keep printing what is appended')
    .option('-n, --lines <count>', 'only the last lines')
    .option('--raw', 'keep terminal escape sequences')
    .option('--lesson <lesson>', 'a lesson file or id, to find its default work directory')
    .addOption(workdirOption())
    .action(async (component: string, opts: LogsCommandOptions) => {
      const { runLogs } = await import('../actions/logs.js');
      setExit(await runLogs(component, opts, io));
    });
};
