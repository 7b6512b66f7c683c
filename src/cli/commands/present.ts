import { withSetupOptions, withRecordOptions } from './setup-options.js';
import type { CommandDefinition } from '../context.js';
import { langOption } from './shared-options.js';
import type { PresentCommandOptions } from '../actions/present.js';

/** `demystify [LESSON]`: the full-screen presenter (the default command). */
export const definePresent: CommandDefinition = (program, io, setExit) => {
  withRecordOptions(withSetupOptions(program))
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson, in the language of the locale)')
    .addOption(langOption({ localeDefault: true }))
    .option(
      '--typing <speed>',
      'how steps are typed: human (key by key, for an audience) or instant',
      'human',
    )
    .option('--keys <file>', 'key bindings (default: ~/.config/demystify/keys.yaml; see docs/keys.md)')
    .option('--wait', 'when another command uses the work directory, wait for it instead of refusing')
    .action(async (lesson: string | undefined, opts: PresentCommandOptions) => {
      // Loaded only now: `demystify --help` and the other commands never load blessed or node-pty.
      const { runPresent } = await import('../actions/present.js');
      setExit(await runPresent(lesson, opts, io));
    });
};
