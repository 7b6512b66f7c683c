import type { CommandDefinition } from '../context.js';
import { workdirOption } from './shared-options.js';
import type { StatusCommandOptions } from '../actions/status.js';

/** `demystify status [LESSON]`: each component's session, process, readiness and since when. */
export const defineStatus: CommandDefinition = (program, io, setExit) => {
  program
    .command('status')
    .description('show the state of each component')
    .argument('[lesson]', 'a lesson file or id, to find its default work directory')
    .addOption(workdirOption())
    .option('--json', 'print JSON')
    .action(async (lesson: string | undefined, opts: StatusCommandOptions) => {
      const { runStatus } = await import('../actions/status.js');
      setExit(await runStatus(lesson, opts, io));
    });
};
