import { ConnectionRefusedError, FetchError, HttpStatusError, NoNetworkError } from './errors.js';

/** The part of the WHATWG `fetch` the fetcher uses; injectable so unit tests need no server. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Error codes that mean "this machine cannot reach anything there", not "the server misbehaved". */
const OFFLINE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);

/** Every `code` found on an error, its cause chain and an AggregateError's members (happy eyeballs). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 4) return [];
  const codes: string[] = [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  codes.push(...errorCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const member of errors) codes.push(...errorCodes(member, depth + 1));
  return codes;
}

/**
 * Turn a failed `fetch` call into the typed error a learner can act on, or `undefined` when the failure
 * is transient (a reset, a timeout, a cut body) and worth a retry.
 */
export function classifyNetworkError(error: unknown, file: string, url: string): FetchError | undefined {
  if (error instanceof FetchError) return error;
  const codes = errorCodes(error);
  if (codes.includes('ECONNREFUSED')) return new ConnectionRefusedError(file, url, error);
  if (codes.some((code) => OFFLINE_CODES.has(code))) return new NoNetworkError(file, url, error);
  return undefined;
}

/**
 * Statuses of a server that is busy or briefly down (a bad gateway, unavailable, a gateway timeout): worth
 * a few more tries, like a reset connection, before "try again later" is the answer.
 */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** The longest wait between two tries, even when the server's `Retry-After` asks for more. */
const MAX_RETRY_WAIT_MS = 30_000;

/** A `Retry-After` header (seconds, or an HTTP date) as milliseconds from `now`; undefined if absent or bad. */
function parseRetryAfter(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The typed error of a response that is not ok, with the server's `Retry-After` when it gave one. */
export function statusError(response: Response, file: string, url: string): HttpStatusError {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  return new HttpStatusError(file, url, response.status, response.statusText, retryAfter);
}

/**
 * The wait before retry number `retry` (1 for the second attempt): 250 ms doubling up to 4 s, or what the
 * server asked for in `Retry-After`, never more than {@link MAX_RETRY_WAIT_MS}.
 */
export function retryDelayMs(retry: number, reason?: unknown): number {
  if (reason instanceof HttpStatusError && reason.retryAfterMs !== undefined) {
    return Math.min(reason.retryAfterMs, MAX_RETRY_WAIT_MS);
  }
  return Math.min(250 * 2 ** (retry - 1), 4000);
}

/**
 * Read a small text resource (a checksum file); HTTP errors and network failures become typed errors. A
 * reset or a busy server (502, 503, 504) is tried again after {@link retryDelayMs}.
 */
export async function fetchText(
  url: string,
  file: string,
  fetch: FetchLike,
  options: { attempts?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<string> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(retryDelayMs(attempt - 1, lastError));
    try {
      const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw statusError(response, file, url);
      }
      return await response.text();
    } catch (error) {
      if (error instanceof HttpStatusError && TRANSIENT_STATUSES.has(error.status)) {
        lastError = error;
        continue;
      }
      const typed = classifyNetworkError(error, file, url);
      if (typed) throw typed;
      lastError = error;
    }
  }
  // A server still busy after every try: its own error, whose hint says to try again later.
  if (lastError instanceof HttpStatusError) throw lastError;
  throw new FetchError(
    'FETCH_NETWORK',
    file,
    url,
    `cannot download ${file} from ${url}: ${String(lastError)}`,
    {
      cause: lastError,
    },
  );
}
