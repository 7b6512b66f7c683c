import { DemystifyError } from '../../errors.js';

/**
 * Base of every download failure. Each one names the file and the URL it came from, because on stage
 * the first question is always "which one, from where?".
 */
export class FetchError extends DemystifyError {
  /** The file being fetched (its name in the cache, e.g. `etcd-v3.6.9-linux-amd64.tar.gz`). */
  readonly file: string;
  /** The URL that failed, after mirror rewriting. */
  readonly url: string;

  constructor(
    code: string,
    file: string,
    url: string,
    message: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(code, message, { ...options, exitCode: 1 });
    this.name = 'FetchError';
    this.file = file;
    this.url = url;
  }
}

/** The file's sha256 is not the one expected; the download was deleted. */
export class ChecksumMismatchError extends FetchError {
  readonly expected: string;
  readonly actual: string;

  constructor(file: string, url: string, expected: string, actual: string, source: string) {
    super(
      'FETCH_CHECKSUM',
      file,
      url,
      `checksum mismatch for ${file} (${url}): sha256 is ${actual}, expected ${expected} (${source})`,
      {
        hint: 'the download was deleted and nothing was installed; check the version and --mirror, then run fetch again',
      },
    );
    this.name = 'ChecksumMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** Two checksum sources (a pin in the lesson and the published file) disagree, or none can be found. */
export class ChecksumSourceError extends FetchError {
  constructor(file: string, url: string, message: string, hint: string) {
    super('FETCH_CHECKSUM_SOURCE', file, url, `${file}: ${message}`, { hint });
    this.name = 'ChecksumSourceError';
  }
}

/** The server answered with an HTTP error status. */
export class HttpStatusError extends FetchError {
  readonly status: number;
  /** How long the server asked to wait before trying again (its `Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(file: string, url: string, status: number, statusText: string, retryAfterMs?: number) {
    const hint =
      status === 404
        ? 'no such file there: check the version, the architecture (--arch) and the mirror (--mirror)'
        : 'the server refused the download; try again later or use --mirror';
    super(
      'FETCH_HTTP',
      file,
      url,
      `cannot download ${file}: HTTP ${status} ${statusText} from ${url}`.trim(),
      {
        hint,
      },
    );
    this.name = 'HttpStatusError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Nothing listens at the URL's host and port. */
export class ConnectionRefusedError extends FetchError {
  constructor(file: string, url: string, cause: unknown) {
    super(
      'FETCH_REFUSED',
      file,
      url,
      `cannot download ${file}: connection refused by ${originOf(url)} (${url})`,
      {
        cause,
        hint: 'is the server (or the --mirror) running?',
      },
    );
    this.name = 'ConnectionRefusedError';
  }
}

/** The name does not resolve or no route leads there: this machine is offline. */
export class NoNetworkError extends FetchError {
  constructor(file: string, url: string, cause: unknown) {
    super(
      'FETCH_OFFLINE',
      file,
      url,
      `cannot download ${file}: no network to reach ${originOf(url)} (${url})`,
      {
        cause,
        hint: 'offline? load a bundle made beforehand (demystify bundle load FILE), or point --mirror at a local server',
      },
    );
    this.name = 'NoNetworkError';
  }
}

/** The connection broke and retries (with resume) did not complete the download. */
export class DownloadInterruptedError extends FetchError {
  constructor(file: string, url: string, received: number, cause: unknown) {
    super(
      'FETCH_INTERRUPTED',
      file,
      url,
      `download of ${file} from ${url} kept breaking (${received} bytes kept for the next try)`,
      { cause, hint: 'run fetch again: it resumes where it stopped' },
    );
    this.name = 'DownloadInterruptedError';
  }
}

/** The archive lacks an entry the lesson wants to install. */
export class ArchiveEntryError extends FetchError {
  constructor(file: string, url: string, entries: string[]) {
    super('FETCH_EXTRACT', file, url, `${file} (${url}) has no entry ${entries.join(', ')}`, {
      hint: "the lesson's `extract` paths do not match this release; check the version",
    });
    this.name = 'ArchiveEntryError';
  }
}

/** `https://host:port` of a URL, for messages. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
