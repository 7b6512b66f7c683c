import type { CommandDefinition } from '../context.js';
import { withSetupOptions } from './setup-options.js';
import { collect, langOption } from './shared-options.js';
import type { RehearseCommandOptions } from '../actions/rehearse.js';

/**
 * `demystify rehearse [LESSON]`: run a lesson headless several times, each from a clean machine, and
 * write a report (Markdown and one self-contained HTML page) of the time per step and chapter, against
 * the chapters' budgets, with flaky steps flagged.
 */
export const defineRehearse: CommandDefinition = (program, io, setExit) => {
  withSetupOptions(program.command('rehearse'))
    .description('run a lesson headless several times from a clean machine and report times and flaky steps')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .option('--runs <n>', 'how many runs', '3')
    .option('--from <chapter>', 'first chapter rehearsed (id or number); earlier ones are fast-forwarded')
    .option('--to <chapter>', 'last chapter rehearsed (id or number)')
    .option('--out <dir>', 'folder of the report (default: <workdir>/rehearsals/<date-time>)')
    .addOption(langOption())
    .option('--run-arg <arg>', 'pass one more argument to each `demystify run` (repeatable)', collect)
    .action(async (lesson: string | undefined, opts: RehearseCommandOptions) => {
      const { runRehearse } = await import('../actions/rehearse.js');
      setExit(await runRehearse(lesson, opts, io));
    });
};
