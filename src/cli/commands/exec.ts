import type { CommandDefinition } from '../context.js';
import { langOption, workdirOption } from './shared-options.js';
import type { ExecCommandOptions } from '../actions/exec.js';

/** `demystify exec [--workdir DIR] -- COMMAND...`: run a command inside the lesson's network namespace. */
export const defineExec: CommandDefinition = (program, io, setExit) => {
  program
    .command('exec')
    .description('run a command inside the network namespace of an isolated lesson (after --)')
    .argument('<command...>', 'the command and its arguments, after --')
    .addOption(workdirOption('work directory of the isolated lesson'))
    .option('--lesson <lesson>', 'a lesson file or id whose default work directory to use')
    .addOption(langOption())
    .action(async (command: string[], opts: ExecCommandOptions) => {
      const { runExec } = await import('../actions/exec.js');
      setExit(await runExec(command, opts, io));
    });
};
