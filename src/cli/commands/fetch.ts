import type { Command } from 'commander';
import type { CommandDefinition } from '../context.js';
import { collect, langOption, workdirOption } from './shared-options.js';
import type { FetchCommandOptions } from '../actions/fetch.js';

/** `demystify fetch [LESSON]`: download, verify and install the binaries a lesson needs. */
export const defineFetch: CommandDefinition = (program, io, setExit) => {
  program
    .command('fetch')
    .description('download, verify and install the binaries a lesson needs')
    .argument('[lesson]', "a lesson file or id (default: the --workdir run's lesson, else the built-in one)")
    .option('--arch <arch>', 'target architecture, amd64 or arm64 (default: this machine)')
    .option('--mirror <url>', 'rewrite the origin of every URL (default: $DEMYSTIFY_MIRROR)')
    .option('--cache <dir>', 'download cache (default: $XDG_CACHE_HOME/demystify)')
    .addOption(
      workdirOption("work directory whose bin/ receives the binaries (its run's options and pins apply)"),
    )
    .option(
      '--set <name=value>',
      "a lesson option, choosing the artifacts whose when: holds (repeatable; default: the work directory's run, else the lesson's)",
      collect,
    )
    .option(
      '--pin <name=version>',
      "another version for a versions: name (every artifact that uses it) or one artifact (repeatable; default: the work directory's run)",
      collect,
    )
    .addOption(langOption())
    .action(async (lesson: string | undefined, _opts: FetchCommandOptions, command: Command) => {
      const { runFetch } = await import('../actions/fetch.js');
      setExit(await runFetch(lesson, command.optsWithGlobals<FetchCommandOptions>(), io));
    });
};
