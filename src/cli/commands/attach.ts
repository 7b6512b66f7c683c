import type { CommandDefinition } from '../context.js';
import { workdirOption } from './shared-options.js';
import type { AttachCommandOptions } from '../actions/attach.js';

/** `demystify attach COMPONENT`: attach this terminal to a component's tmux session (detach: C-b d). */
export const defineAttach: CommandDefinition = (program, io, setExit) => {
  program
    .command('attach')
    .description('attach this terminal to a component session (detach with C-b d)')
    .argument('<component>', "a component, or its session's name (shell: the lesson's shell)")
    .option('--lesson <lesson>', 'a lesson file or id, to find its default work directory')
    .addOption(workdirOption())
    .action(async (component: string, opts: AttachCommandOptions) => {
      const { runAttach } = await import('../actions/attach.js');
      setExit(await runAttach(component, opts, io));
    });
};
