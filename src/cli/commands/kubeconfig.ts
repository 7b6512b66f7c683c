import { DemystifyError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

/** `demystify kubeconfig`: write a kubeconfig with embedded certificates */
export const defineKubeconfig: CommandDefinition = (program) => {
  program
    .command('kubeconfig')
    .description('write a kubeconfig with embedded certificates')
    .allowUnknownOption()
    .action(() => {
      throw new DemystifyError('NOT_IMPLEMENTED', 'kubeconfig is not implemented yet');
    });
};
