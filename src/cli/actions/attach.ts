import { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import { attachTerminal } from '../../adapters/tmux/tmux.js';
import { DemystifyError, UsageError } from '../../errors.js';
import { workdirRootFor } from '../common.js';
import type { CliIo } from '../context.js';
import { sessionOf } from './engine-common.js';

/** Options of `demystify attach`. */
export interface AttachCommandOptions {
  lesson?: string;
  workdir?: string;
}

/** Attach this terminal to a component's session of the lesson's private tmux server. */
export async function runAttach(component: string, opts: AttachCommandOptions, io: CliIo): Promise<number> {
  if (!io.isTTY)
    throw new UsageError('attach needs a terminal', {
      hint: `read its output with demystify logs ${component}`,
    });
  const runtime = await WorkdirRuntime.open(await workdirRootFor(opts.lesson, opts.workdir));
  const session = sessionOf(runtime.current(), component);
  if (!(await runtime.tmux.hasSession(session))) {
    throw new DemystifyError('NO_SESSION', `no session '${session}' is running`, {
      hint: 'see demystify status',
    });
  }
  return attachTerminal(runtime.tmux.socket, session);
}
