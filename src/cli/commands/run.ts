import { collect } from '../common.js';
import type { CommandDefinition } from '../context.js';

/** `demystify run [LESSON] --headless`: run a lesson's steps for real, one line (or NDJSON event) per step. */
export const defineRun: CommandDefinition = (program, io, setExit) => {
  program
    .command('run')
    .description('run the steps of a lesson (headless)')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .option('--headless', 'run without the presenter (the only mode of run; kept for clarity in scripts)')
    .option(
      '--from <chapter>',
      'first chapter to run (id or number); earlier ones are fast-forwarded when needed',
    )
    .option('--to <chapter>', 'last chapter to run (id or number)')
    .option('--workdir <dir>', 'work directory (default: $DEMYSTIFY_HOME/<lesson-id>)')
    .option('--bin-dir <dir>', 'folder of binaries put first on PATH instead of <workdir>/bin')
    .option('--json', 'print NDJSON events instead of lines')
    .option('--typing <speed>', 'typing speed: instant or human', 'instant')
    .option('--set <name=value>', 'set a lesson option (repeatable)', collect)
    .option(
      '--pin <name=version>',
      "use VERSION for the lesson's versions.NAME: commands, expectations and artifacts follow (repeatable)",
      collect,
    )
    .option('--lang <lang>', 'language of the built-in lesson (en, fr)')
    .option('--isolate', 'run the whole lesson in a network namespace of its own (docs/isolation.md)')
    .option('--no-isolate', "do not isolate, even when the lesson's front matter says so")
    .option('--address <ip>', 'node address in the namespace (default: a free 10.200.X.2/30)')
    .option('--outbound', 'let the isolated node reach the outside through NAT on the host (off by default)')
    .option('--wait', 'when another command uses the work directory, wait for it instead of refusing')
    .action(async (lesson: string | undefined, opts: RunCommandOptions) => {
      const { runRun } = await import('../actions/run.js');
      setExit(await runRun(lesson, opts, io));
    });
};

/** Options of `demystify run`. */
export interface RunCommandOptions {
  headless?: boolean;
  from?: string;
  to?: string;
  workdir?: string;
  binDir?: string;
  json?: boolean;
  typing?: string;
  set?: string[];
  pin?: string[];
  lang?: string;
  isolate?: boolean;
  address?: string;
  outbound?: boolean;
  wait?: boolean;
}
