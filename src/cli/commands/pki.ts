import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify pki`: write a CA, certificates and keys for a lesson */
export const definePki: CommandDefinition = (program) => {
  program
    .command('pki')
    .description('write a CA, certificates and keys for a lesson')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'pki is not implemented yet');
    });
};
