import { withSetupOptions } from './setup-options.js';
import type { CommandDefinition } from '../context.js';
import { langOption } from './shared-options.js';
import type { LearnCommandOptions } from '../actions/learn.js';

/** `demystify learn [LESSON]`: the presenter in learner mode (docs/learner.md). */
export const defineLearn: CommandDefinition = (program, io, setExit) => {
  withSetupOptions(program.command('learn'))
    .description('learn a lesson by doing: you type each step, demystify checks it (hints, solution, skip)')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson, in the language of the locale)')
    .addOption(langOption({ localeDefault: true }))
    .option('--keys <file>', 'key bindings (default: ~/.config/demystify/keys.yaml; see docs/keys.md)')
    .action(async (lesson: string | undefined, opts: LearnCommandOptions) => {
      // Loaded only now, as the presenter is: blessed and node-pty are heavy.
      const { runLearn } = await import('../actions/learn.js');
      setExit(await runLearn(lesson, opts, io));
    });
};
