import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify replay`: bring the machine back to the start of a chapter and run it again */
export const defineReplay: CommandDefinition = (program) => {
  program
    .command('replay')
    .description('bring the machine back to the start of a chapter and run it again')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'replay is not implemented yet');
    });
};
