import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify [LESSON]`: the full-screen presenter (the default command). */
export const definePresent: CommandDefinition = (program) => {
  program
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'the presenter is not implemented yet');
    });
};
