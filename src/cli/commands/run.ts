import { withSetupOptions, withRecordOptions } from './setup-options.js';
import type { CommandDefinition } from '../context.js';
import { langOption } from './shared-options.js';
import type { RunCommandOptions } from '../actions/run.js';

/** `demystify run [LESSON] --headless`: run a lesson's steps for real, one line (or NDJSON event) per step. */
export const defineRun: CommandDefinition = (program, io, setExit) => {
  withRecordOptions(withSetupOptions(program.command('run')))
    .description('run the steps of a lesson (headless)')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .option('--headless', 'run without the presenter (the only mode of run; kept for clarity in scripts)')
    .option(
      '--from <chapter>',
      'first chapter to run (id or number); earlier ones are fast-forwarded when needed',
    )
    .option('--to <chapter>', 'last chapter to run (id or number)')
    .option('--json', 'print NDJSON events instead of lines')
    .option('--typing <speed>', 'typing speed: instant or human', 'instant')
    .addOption(langOption())
    .option('--report <dir>', 'write a report of this run (Markdown and HTML, as rehearse does) into DIR')
    .option('--wait', 'when another command uses the work directory, wait for it instead of refusing')
    .action(async (lesson: string | undefined, opts: RunCommandOptions) => {
      const { runRun } = await import('../actions/run.js');
      setExit(await runRun(lesson, opts, io));
    });
};
