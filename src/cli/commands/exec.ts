import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify exec`: run a command inside the network namespace of the lesson */
export const defineExec: CommandDefinition = (program) => {
  program
    .command('exec')
    .description('run a command inside the network namespace of the lesson')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'exec is not implemented yet');
    });
};
