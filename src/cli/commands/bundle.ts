import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify bundle`: pack or load an offline bundle of binaries and images */
export const defineBundle: CommandDefinition = (program) => {
  program
    .command('bundle')
    .description('pack or load an offline bundle of binaries and images')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'bundle is not implemented yet');
    });
};
