import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify plan`: print the steps a run would perform, in order */
export const definePlan: CommandDefinition = (program) => {
  program
    .command('plan')
    .description('print the steps a run would perform, in order')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'plan is not implemented yet');
    });
};
