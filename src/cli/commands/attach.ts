import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify attach`: attach this terminal to a component session */
export const defineAttach: CommandDefinition = (program) => {
  program
    .command('attach')
    .description('attach this terminal to a component session')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'attach is not implemented yet');
    });
};
