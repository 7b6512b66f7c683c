import { withSetupOptions, withRecordOptions, type SetupCommandOptions } from './setup-options.js';
import type { CommandDefinition } from '../context.js';

/** `demystify [LESSON]`: the full-screen presenter (the default command). */
export const definePresent: CommandDefinition = (program, io, setExit) => {
  withRecordOptions(withSetupOptions(program))
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson, in the language of the locale)')
    .option('--lang <lang>', 'language of the built-in lesson (en, fr; default: the locale)')
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

/** Options of `demystify [LESSON]`. */
export interface PresentCommandOptions extends SetupCommandOptions {
  lang?: string;
  typing?: string;
  keys?: string;
  record?: boolean;
  recordDir?: string;
  wait?: boolean;
}
