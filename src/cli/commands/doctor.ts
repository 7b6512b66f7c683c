import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify doctor`: check that this machine has all a lesson needs */
export const defineDoctor: CommandDefinition = (program) => {
  program
    .command('doctor')
    .description('check that this machine has all a lesson needs')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'doctor is not implemented yet');
    });
};
