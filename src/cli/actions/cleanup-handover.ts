import { requestCleanup } from '../../adapters/speaker-channel/cleanup-request.js';
import { speakerSocketPath } from '../../adapters/speaker-channel/socket-path.js';
import { lockHolder, type LockHolder } from '../../adapters/workdir/workdir-lock.js';

/** What `cleanup` needs to hand its work over to a presenter (real ones by default; fakes in tests). */
interface HandoverDeps {
  /** The live holder of the work directory's lock, if any. */
  holder(root: string): Promise<Pick<LockHolder, 'command'> | undefined>;
  /** Ask the presenter listening on `socket` to clean up; true once it accepted. */
  request(socket: string, purge: boolean): Promise<boolean>;
}

const realDeps: HandoverDeps = { holder: lockHolder, request: requestCleanup };

/**
 * `cleanup` run while a presenter holds the work directory: typed in the lesson's own shell, most often
 * (the last step of a lesson). Taking the lock would be refused, and `--force` would end the presenter
 * mid-talk, then the shell running this very command. Instead the presenter is asked, on its speaker
 * channel, to clean up as its "quit and clean up" does (`purge` as `--purge`), then quit. True when it
 * accepted; false when the holder is no presenter (a `run`, a `replay`: they keep today's refusal), there
 * is no holder, `--force` or `--wait` was given (the user asked to end the holder, or to wait for it), or
 * no presenter answers.
 */
export async function handOverToPresenter(
  root: string,
  opts: { purge?: boolean; force?: boolean; wait?: boolean },
  deps: HandoverDeps = realDeps,
): Promise<boolean> {
  if (opts.force || opts.wait) return false;
  const holder = await deps.holder(root);
  // The presenter, in learner mode or not: both serve the channel and clean up on request.
  if (holder?.command !== 'present' && holder?.command !== 'learn') return false;
  return deps.request(speakerSocketPath(root), opts.purge === true);
}
