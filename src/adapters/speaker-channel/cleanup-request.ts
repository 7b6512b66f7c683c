import { connect } from 'node:net';
import { splitLines } from './ndjson.js';

/**
 * Asked of the presenter by `demystify cleanup` run while that presenter holds the work directory (typed
 * in the lesson's own shell, most often): clean up as its "quit and clean up" does, with `purge` as
 * `cleanup --purge`, then quit.
 */
interface CleanupRequest {
  type: 'cleanup';
  purge: boolean;
}

/** The presenter's answer to a {@link CleanupRequest}: it took it and is about to quit. */
export interface CleanupAccepted {
  type: 'cleanup-accepted';
}

/** Is this a cleanup request (a follower's message, trusted in nothing)? */
export function isCleanupRequest(message: unknown): message is CleanupRequest {
  const m = message as Partial<CleanupRequest> | null;
  return typeof m === 'object' && m !== null && m.type === 'cleanup' && typeof m.purge === 'boolean';
}

/**
 * Send a cleanup request on the speaker channel at `path` and wait for the presenter to accept it. False
 * when nobody listens there, or what listens does not accept it within `timeoutMs` (a presenter that does
 * not know the request, or one too busy to answer): the caller then does without the presenter.
 */
export function requestCleanup(path: string, purge: boolean, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    let done = false;
    const finish = (accepted: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(accepted);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.setEncoding('utf8');
    // The presenter's latest snapshot comes first: every line other than the answer is skipped.
    const lines = splitLines((line) => {
      try {
        if ((JSON.parse(line) as Partial<CleanupAccepted> | null)?.type === 'cleanup-accepted') finish(true);
      } catch {
        // Not JSON: not the answer.
      }
    });
    socket.on('connect', () => {
      const request: CleanupRequest = { type: 'cleanup', purge };
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      if (!lines(chunk)) finish(false);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
