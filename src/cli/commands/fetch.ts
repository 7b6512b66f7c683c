import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify fetch`: download, verify and install the binaries a lesson needs */
export const defineFetch: CommandDefinition = (program) => {
  program
    .command('fetch')
    .description('download, verify and install the binaries a lesson needs')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'fetch is not implemented yet');
    });
};
