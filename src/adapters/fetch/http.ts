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

/** Read a small text resource (a checksum file); HTTP errors and network failures become typed errors. */
export async function fetchText(url: string, file: string, fetch: FetchLike, attempts = 3): Promise<string> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new HttpStatusError(file, url, response.status, response.statusText);
      }
      return await response.text();
    } catch (error) {
      const typed = classifyNetworkError(error, file, url);
      if (typed) throw typed;
      lastError = error;
    }
  }
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
