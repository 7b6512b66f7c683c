import { Worker } from 'node:worker_threads';

/**
 * Matching a step's `expect='output=/…/'` against what its command printed. JavaScript's regular
 * expressions backtrack: `/^(a+)+$/` against thirty `a`s and a `b` takes minutes, and a match on the main
 * thread blocks the event loop for all that time, so neither the step's timeout nor Ctrl-C could act.
 * The match runs in a worker thread instead, terminated when its time is up: the answer is data, never a
 * hang.
 */

/** How a match went. */
export type OutputMatch =
  | { kind: 'match' }
  | { kind: 'no-match' }
  /** Still backtracking when its time was up: the worker was terminated. */
  | { kind: 'unfinished'; afterMs: number }
  /** The expression could not run (it does not compile, the worker could not start). */
  | { kind: 'error'; message: string };

/** The least time a match is given, however little of its step's timeout is left. */
export const MIN_MATCH_MS = 1000;

// Runs in the worker (eval'd as a CommonJS script: no file to find next to the compiled code).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, pattern, flags, text }) => {
  let result;
  try {
    result = { kind: new RegExp(pattern, flags).test(text) ? 'match' : 'no-match' };
  } catch (error) {
    result = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage({ id, result });
});
`;

/** A worker thread that matches, one request at a time. */
interface Matcher {
  worker: Worker;
  busy: boolean;
}

// Starting a worker takes tens of milliseconds: one is kept (unref'd, so it holds no process open) and
// reused; a second match while it is busy gets a worker of its own. A worker whose match ran out of time
// is terminated, never reused.
let idle: Matcher | undefined;
let nextId = 0;

function startMatcher(): Matcher {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.unref();
  return { worker, busy: false };
}

/**
 * Test `/pattern/flags` against `text` in a worker thread, giving up after `timeoutMs` (at least
 * {@link MIN_MATCH_MS}). Never rejects, never blocks the event loop.
 */
export function matchOutput(
  pattern: string,
  flags: string,
  text: string,
  timeoutMs: number,
): Promise<OutputMatch> {
  const limit = Math.max(MIN_MATCH_MS, Math.round(timeoutMs));
  return new Promise((resolve) => {
    let matcher: Matcher;
    try {
      matcher = idle && !idle.busy ? idle : startMatcher();
    } catch (error) {
      resolve({ kind: 'error', message: `cannot start the match: ${(error as Error).message}` });
      return;
    }
    if (!idle) idle = matcher;
    matcher.busy = true;
    const id = nextId++;
    const start = Date.now();
    const { worker } = matcher;
    const finish = (result: OutputMatch, reusable: boolean): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      matcher.busy = false;
      if (!reusable || idle !== matcher) {
        if (idle === matcher) idle = undefined;
        void worker.terminate().catch(() => undefined);
      }
      resolve(result);
    };
    const onMessage = (message: { id: number; result: OutputMatch }): void => {
      if (message.id === id) finish(message.result, true);
    };
    const onError = (error: Error): void => finish({ kind: 'error', message: error.message }, false);
    const onExit = (code: number): void =>
      finish({ kind: 'error', message: `the match ended without an answer (exit ${code})` }, false);
    const timer = setTimeout(() => finish({ kind: 'unfinished', afterMs: Date.now() - start }, false), limit);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage({ id, pattern, flags, text });
  });
}
