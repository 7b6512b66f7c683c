import { collect } from '../common.js';
import type { CommandDefinition } from '../context.js';

/**
 * `demystify rehearse [LESSON]`: run a lesson headless several times, each from a clean machine, and
 * write a report (Markdown and one self-contained HTML page) of the time per step and chapter, against
 * the chapters' budgets, with flaky steps flagged.
 */
export const defineRehearse: CommandDefinition = (program, io, setExit) => {
  program
    .command('rehearse')
    .description('run a lesson headless several times from a clean machine and report times and flaky steps')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .option('--runs <n>', 'how many runs', '3')
    .option('--from <chapter>', 'first chapter rehearsed (id or number); earlier ones are fast-forwarded')
    .option('--to <chapter>', 'last chapter rehearsed (id or number)')
    .option('--out <dir>', 'folder of the report (default: <workdir>/rehearsals/<date-time>)')
    .option('--workdir <dir>', 'work directory (default: $DEMYSTIFY_HOME/<lesson-id>)')
    .option('--bin-dir <dir>', 'folder of binaries put first on PATH instead of <workdir>/bin')
    .option('--set <name=value>', 'set a lesson option (repeatable)', collect)
    .option(
      '--pin <name=version>',
      "use another version for the lesson's versions.NAME (repeatable)",
      collect,
    )
    .option('--lang <lang>', 'language of the built-in lesson (en, fr)')
    .option('--isolate', 'run the whole lesson in a network namespace of its own (docs/isolation.md)')
    .option('--no-isolate', "do not isolate, even when the lesson's front matter says so")
    .option('--address <ip>', 'node address in the namespace (default: a free 10.200.X.2/30)')
    .option('--outbound', 'let the isolated node reach the outside through NAT on the host (off by default)')
    .option('--run-arg <arg>', 'pass one more argument to each `demystify run` (repeatable)', collect)
    .action(async (lesson: string | undefined, opts: RehearseCommandOptions) => {
      const { runRehearse } = await import('../actions/rehearse.js');
      setExit(await runRehearse(lesson, opts, io));
    });
};

/** Options of `demystify rehearse`. */
export interface RehearseCommandOptions {
  runs?: string;
  from?: string;
  to?: string;
  out?: string;
  workdir?: string;
  binDir?: string;
  set?: string[];
  pin?: string[];
  lang?: string;
  isolate?: boolean;
  address?: string;
  outbound?: boolean;
  runArg?: string[];
}
