/**
 * What the fetcher reports while it works. Pure data, so any renderer (a TTY progress bar, plain lines,
 * a test's array) can follow a fetch without the fetcher knowing how it is shown.
 */
export type FetchEvent =
  /** The artifact is already installed from the same verified file: nothing to do. */
  | { kind: 'up-to-date'; name: string; version: string }
  /** The file is in the cache, verified earlier: no download. */
  | { kind: 'cached'; name: string; file: string }
  /** A download (or a resumed one, `offset > 0`) begins; `total` when the server said. */
  | { kind: 'start'; file: string; url: string; offset: number; total?: number }
  /** Bytes on disk so far, including a resumed prefix. Emitted at most every few tens of milliseconds. */
  | { kind: 'progress'; file: string; received: number; total?: number }
  /** The connection broke; the next attempt resumes from `offset`. */
  | { kind: 'retry'; file: string; attempt: number; offset: number; reason: string }
  /** The download completed (before verification). */
  | { kind: 'downloaded'; file: string; bytes: number; ms: number }
  /** The sha256 matched; `source` says where the expected digest came from. */
  | { kind: 'verified'; file: string; sha256: string; source: string }
  /** Binaries were installed (atomically) into `dest`. */
  | { kind: 'installed'; name: string; version: string; files: string[]; dest: string }
  /** This file failed; the error that ends the fetch follows. */
  | { kind: 'failed'; file: string; message: string };

/** A consumer of {@link FetchEvent}s. */
export type FetchListener = (event: FetchEvent) => void;
