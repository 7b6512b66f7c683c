import { speakerSocketPath } from '../../adapters/speaker-channel/socket-path.js';
import { UsageError } from '../../errors.js';
import { workdirRootFor } from '../common.js';
import type { CliIo } from '../context.js';

/** Options of `demystify speaker`. */
export interface SpeakerCommandOptions {
  workdir?: string;
}

/**
 * Open the speaker view on the work directory of a lesson: it follows that directory's presenter
 * (waiting for one when none is open) until `q`. It needs a terminal on both ends.
 */
export async function runSpeaker(
  ref: string | undefined,
  opts: SpeakerCommandOptions,
  io: CliIo,
): Promise<number> {
  if (!io.isTTY || !process.stdin.isTTY) {
    throw new UsageError('the speaker view needs a terminal', {
      hint: 'open it in a terminal of its own, next to the presenter',
    });
  }
  const workdir = await workdirRootFor(ref, opts.workdir);
  const { runSpeakerView } = await import('../../ui/speaker/speaker-view.js');
  await runSpeakerView({
    socketPath: speakerSocketPath(workdir),
    hint: `open it with: demystify ${ref ?? ''}${ref ? ' ' : ''}--workdir ${workdir}`,
    streams: { input: process.stdin, output: process.stdout },
  });
  return 0;
}
