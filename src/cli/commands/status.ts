import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify status`: show the state of each component */
export const defineStatus: CommandDefinition = (program) => {
  program
    .command('status')
    .description('show the state of each component')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'status is not implemented yet');
    });
};
