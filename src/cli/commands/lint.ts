import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify lint`: check a lesson and report every error with its place */
export const defineLint: CommandDefinition = (program) => {
  program
    .command('lint')
    .description('check a lesson and report every error with its place')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'lint is not implemented yet');
    });
};
