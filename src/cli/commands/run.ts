import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify run`: run the steps of a lesson (headless) */
export const defineRun: CommandDefinition = (program) => {
  program
    .command('run')
    .description('run the steps of a lesson (headless)')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'run is not implemented yet');
    });
};
