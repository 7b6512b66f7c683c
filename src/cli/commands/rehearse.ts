import { collect } from '../common.js';
import type { CommandDefinition } from '../context.js';
import { withSetupOptions, type SetupCommandOptions } from './setup-options.js';

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
    .option('--lang <lang>', 'language of the built-in lesson (en, fr)')
    .option('--run-arg <arg>', 'pass one more argument to each `demystify run` (repeatable)', collect)
    .action(async (lesson: string | undefined, opts: RehearseCommandOptions) => {
      const { runRehearse } = await import('../actions/rehearse.js');
      setExit(await runRehearse(lesson, opts, io));
    });
};

/** Options of `demystify rehearse`. */
export interface RehearseCommandOptions extends SetupCommandOptions {
  runs?: string;
  from?: string;
  to?: string;
  out?: string;
  lang?: string;
  runArg?: string[];
}
