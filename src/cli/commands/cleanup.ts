import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify cleanup`: end every process the lesson started */
export const defineCleanup: CommandDefinition = (program) => {
  program
    .command('cleanup')
    .description('end every process the lesson started')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'cleanup is not implemented yet');
    });
};
