import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { DownloadInterruptedError, HttpStatusError } from './errors.js';
import type { FetchListener } from './events.js';
import {
  classifyNetworkError,
  retryDelayMs,
  statusError,
  TRANSIENT_STATUSES,
  type FetchLike,
} from './http.js';

/** The side effects of a download: the network and time, both replaceable in unit tests. */
export interface DownloadDeps {
  fetch: FetchLike;
  /** Milliseconds, monotonic enough for speeds and throttling. */
  now: () => number;
  /** Wait between attempts. */
  sleep: (ms: number) => Promise<void>;
}

/** The real network and clock. */
export const defaultDownloadDeps: DownloadDeps = {
  fetch: (url, init) => globalThis.fetch(url, init),
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One download: where from, where to, and how patient to be. */
export interface DownloadRequest {
  url: string;
  /** Name shown in events and errors. */
  file: string;
  /** The partial file; kept between attempts and between runs so a broken download resumes. */
  partPath: string;
  onEvent?: FetchListener;
  /** Attempts in all, counting the first (default 5). */
  attempts?: number;
  /** Give up on an attempt that receives nothing for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Cancels the download (the partial file stays for a later resume). */
  signal?: AbortSignal;
}

/** Minimum time between two `progress` events of one file. */
const PROGRESS_INTERVAL_MS = 100;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Parse `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`). */
export function parseContentRange(header: string | null): { start: number; total?: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return { start: Number(match[1]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

/** What a completed download is: its size and sha256, hashed as it arrived (no second read). */
export interface Downloaded {
  size: number;
  sha256: string;
}

/** A hash already fed with the first `length` bytes of `path` (the part kept from an earlier attempt). */
async function hashPrefix(path: string, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (length > 0)
    for await (const chunk of createReadStream(path, { end: length - 1 })) hash.update(chunk as Buffer);
  return hash;
}

/** Thrown inside an attempt when the server or the network broke it: retried with a Range request. */
class BrokenAttempt extends Error {}

/**
 * Download `url` into `partPath`, resuming what is already there with an HTTP Range request, retrying a
 * broken connection (each retry resumes), and reporting progress. Returns the size and the sha256,
 * computed while writing. It verifies nothing: the caller compares the digest before the file is used. A 404, a refused
 * connection or no network end at once with a typed error; a busy server (502, 503, 504) is retried, waiting
 * what its `Retry-After` asks (capped); the partial file is left for a resume.
 */
export async function downloadFile(
  request: DownloadRequest,
  deps: DownloadDeps = defaultDownloadDeps,
): Promise<Downloaded> {
  const { url, file, partPath, onEvent = () => undefined } = request;
  const attempts = request.attempts ?? 5;
  let lastReason: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      const offset = await sizeOf(partPath);
      onEvent({ kind: 'retry', file, attempt, offset, reason: describe(lastReason) });
      await deps.sleep(retryDelayMs(attempt - 1, lastReason));
    }
    request.signal?.throwIfAborted();
    try {
      return await attemptDownload(request, deps, onEvent);
    } catch (error) {
      if (!(error instanceof BrokenAttempt)) {
        if (request.signal?.aborted) throw request.signal.reason;
        const typed = classifyNetworkError(error, file, url);
        if (typed) throw typed;
      }
      if (request.signal?.aborted) throw request.signal.reason;
      lastReason = error instanceof BrokenAttempt ? (error.cause ?? error) : error;
    }
  }
  // A server still busy after every attempt: its own error, whose hint says to try again later.
  if (lastReason instanceof HttpStatusError) throw lastReason;
  throw new DownloadInterruptedError(file, url, await sizeOf(partPath), lastReason);
}

function describe(reason: unknown): string {
  if (reason instanceof Error) {
    const cause = reason.cause instanceof Error ? `: ${reason.cause.message}` : '';
    return `${reason.message}${cause}`;
  }
  return String(reason);
}

async function attemptDownload(
  request: DownloadRequest,
  deps: DownloadDeps,
  onEvent: FetchListener,
): Promise<Downloaded> {
  const { url, file, partPath } = request;
  let offset = await sizeOf(partPath);
  const idle = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, idle.signal]) : idle.signal;
  let timer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    clearTimeout(timer);
    timer = setTimeout(
      () => idle.abort(new Error('no data received for a while')),
      request.idleTimeoutMs ?? 30_000,
    );
  };
  armIdle();
  try {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await deps.fetch(url, { headers, redirect: 'follow', signal });
    let total: number | undefined;
    if (response.status === 416 && offset > 0) {
      // The partial file is as long as (or longer than) the resource: start again from nothing.
      await response.body?.cancel().catch(() => undefined);
      await truncate(partPath, 0);
      throw new BrokenAttempt('the server refused to resume (416): starting over');
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const error = statusError(response, file, url);
      // A busy server (502, 503, 504) is retried like a broken connection; any other status is final.
      if (TRANSIENT_STATUSES.has(response.status)) throw new BrokenAttempt(error.message, { cause: error });
      throw error;
    }
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (!range || range.start !== offset) {
        await response.body?.cancel().catch(() => undefined);
        await truncate(partPath, 0);
        throw new BrokenAttempt('the server resumed at the wrong place: starting over');
      }
      total = range.total;
    } else {
      // A plain 200: the server ignored the Range header (or there was none); write from the start.
      offset = 0;
      const length = response.headers.get('content-length');
      total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    }
    onEvent({ kind: 'start', file, url, offset, total });
    const started = deps.now();
    const hash = await hashPrefix(partPath, offset);
    const handle = await open(partPath, offset > 0 ? 'a' : 'w');
    let received = offset;
    let lastEmit = started;
    try {
      if (response.body) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          armIdle();
          await handle.write(chunk);
          hash.update(chunk);
          received += chunk.byteLength;
          const now = deps.now();
          if (now - lastEmit >= PROGRESS_INTERVAL_MS) {
            lastEmit = now;
            onEvent({ kind: 'progress', file, received, total });
          }
        }
      }
    } catch (error) {
      throw new BrokenAttempt(`connection broken after ${received} bytes`, { cause: error });
    } finally {
      await handle.close();
    }
    if (total !== undefined && received !== total) {
      throw new BrokenAttempt(`connection closed after ${received} of ${total} bytes`);
    }
    onEvent({ kind: 'progress', file, received, total: total ?? received });
    onEvent({ kind: 'downloaded', file, bytes: received - offset, ms: deps.now() - started });
    return { size: received, sha256: hash.digest('hex') };
  } finally {
    clearTimeout(timer);
  }
}
