import type { CommandDefinition } from '../context.js';
import { workdirOption } from './shared-options.js';
import type { CleanupCommandOptions } from '../actions/cleanup.js';

/** `demystify cleanup [LESSON]`: end every process the engine started in a work directory, and its tmux server. */
export const defineCleanup: CommandDefinition = (program, io, setExit) => {
  program
    .command('cleanup')
    .description('end every process the lesson started, and its tmux server')
    .argument('[lesson]', 'a lesson file or id, to find its default work directory')
    .addOption(workdirOption())
    .option('--purge', "also remove the work directory's generated state (state.json, logs, reset paths)")
    .option('--wait', 'when another command uses the work directory, wait for it instead of refusing')
    .option('--force', 'when another command uses the work directory, end it first (SIGTERM, then SIGKILL)')
    .action(async (lesson: string | undefined, opts: CleanupCommandOptions) => {
      const { runCleanup } = await import('../actions/cleanup.js');
      setExit(await runCleanup(lesson, opts, io));
    });
};
