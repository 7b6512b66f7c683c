import type { CommandDefinition } from '../context.js';
import { collect, workdirOption } from './shared-options.js';
import type { ReplayCommandOptions } from '../actions/replay.js';

/** `demystify replay CH`: bring the machine back to the start of chapter CH, then run CH again. */
export const defineReplay: CommandDefinition = (program, io, setExit) => {
  program
    .command('replay')
    .description('bring the machine back to the start of a chapter and run it again')
    .argument('<chapter>', 'chapter id or 1-based number')
    .option('--lesson <lesson>', 'a lesson file or id (default: the one state.json names)')
    .addOption(workdirOption())
    .option(
      '--pin <name=version>',
      'use VERSION for versions.NAME (repeatable; default: the versions state.json records)',
      collect,
    )
    .option('--no-run', 'stop at the start of the chapter, without running it')
    .option('--json', 'print NDJSON events instead of lines')
    .option('--typing <speed>', 'typing speed of the chapter itself: instant or human', 'instant')
    .option('--wait', 'when another command uses the work directory, wait for it instead of refusing')
    .action(async (chapter: string, opts: ReplayCommandOptions) => {
      const { runReplay } = await import('../actions/replay.js');
      setExit(await runReplay(chapter, opts, io));
    });
};
