import type { Command } from 'commander';
import type { CommandDefinition } from '../context.js';
import { collect, langOption, workdirOption } from './shared-options.js';
import type { DoctorCommandOptions } from '../actions/doctor.js';

/** `demystify doctor [LESSON]`: check that this machine has all a lesson needs, and say how to fix each miss. */
export const defineDoctor: CommandDefinition = (program, io, setExit) => {
  program
    .command('doctor')
    .description('check that this machine has all a lesson needs')
    .argument('[lesson]', "a lesson file or id (default: the --workdir run's lesson, else the built-in one)")
    .addOption(
      workdirOption("work directory whose bin/ holds the binaries (its run's options and pins apply)"),
    )
    .option('--cache <dir>', 'download cache (default: $XDG_CACHE_HOME/demystify)')
    .option('--port <port>', 'another port that must be free (repeatable)', collect)
    .option(
      '--set <name=value>',
      "a lesson option, choosing the binaries whose when: holds (repeatable; default: the work directory's run, else the lesson's)",
      collect,
    )
    .option(
      '--pin <name=version>',
      "another version for a versions: name or one artifact (repeatable; default: the work directory's run)",
      collect,
    )
    .addOption(langOption())
    .option('--json', 'print the checks as JSON')
    .action(async (lesson: string | undefined, _opts: DoctorCommandOptions, command: Command) => {
      const { runDoctorCommand } = await import('../actions/doctor.js');
      setExit(await runDoctorCommand(lesson, command.optsWithGlobals<DoctorCommandOptions>(), io));
    });
};
