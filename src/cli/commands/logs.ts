import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify logs`: print a component log */
export const defineLogs: CommandDefinition = (program) => {
  program
    .command('logs')
    .description('print a component log')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'logs is not implemented yet');
    });
};
