import type { CommandDefinition } from '../context.js';
import { langOption } from './shared-options.js';

/** `demystify lint [LESSON]`: every problem of a lesson, with its place and a caret. */
export const defineLint: CommandDefinition = (program, io, setExit) => {
  program
    .command('lint')
    .description('check a lesson and report every error with its place')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .addOption(langOption())
    .option('--from <chapter>', 'also check that this chapter exists')
    .option('--to <chapter>', 'also check that this chapter exists')
    .option('--json', 'print the diagnostics as JSON')
    .action(
      async (
        lesson: string | undefined,
        opts: { lang?: string; from?: string; to?: string; json?: boolean },
      ) => {
        const { runLint } = await import('../actions/lint.js');
        setExit(await runLint(lesson, opts, io));
      },
    );
};
