import { collect } from '../common.js';
import type { CommandDefinition } from '../context.js';

/** `demystify [LESSON]`: the full-screen presenter (the default command). */
export const definePresent: CommandDefinition = (program, io, setExit) => {
  program
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson, in the language of the locale)')
    .option('--workdir <dir>', 'work directory (default: $DEMYSTIFY_HOME/<lesson-id>)')
    .option('--lang <lang>', 'language of the built-in lesson (en, fr; default: the locale)')
    .option('--set <name=value>', 'set a lesson option (repeatable)', collect)
    .option(
      '--pin <name=version>',
      "use VERSION for the lesson's versions.NAME: commands, expectations and artifacts follow (repeatable)",
      collect,
    )
    .option(
      '--typing <speed>',
      'how steps are typed: human (key by key, for an audience) or instant',
      'human',
    )
    .option('--keys <file>', 'key bindings (default: ~/.config/demystify/keys.yaml; see docs/keys.md)')
    .option('--bin-dir <dir>', 'folder of binaries put first on PATH instead of <workdir>/bin')
    .option('--isolate', 'run the whole lesson in a network namespace of its own (docs/isolation.md)')
    .option('--no-isolate', "do not isolate, even when the lesson's front matter says so")
    .option('--address <ip>', 'node address in the namespace (default: a free 10.200.X.2/30)')
    .option('--outbound', 'let the isolated node reach the outside through NAT on the host (off by default)')
    .option('--wait', 'when another command uses the work directory, wait for it instead of refusing')
    .action(async (lesson: string | undefined, opts: PresentCommandOptions) => {
      // Loaded only now: `demystify --help` and the other commands never load blessed or node-pty.
      const { runPresent } = await import('../actions/present.js');
      setExit(await runPresent(lesson, opts, io));
    });
};

/** Options of `demystify [LESSON]`. */
export interface PresentCommandOptions {
  workdir?: string;
  lang?: string;
  set?: string[];
  pin?: string[];
  typing?: string;
  keys?: string;
  binDir?: string;
  isolate?: boolean;
  address?: string;
  outbound?: boolean;
  wait?: boolean;
}
