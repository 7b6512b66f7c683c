/**
 * The one error base class of demystify. Every error that can reach a user carries a stable `code`,
 * the process `exitCode` the CLI should use, and an optional `cause`. Only `src/cli` turns these into
 * messages and exit codes; nothing deeper calls `process.exit`.
 */
export class DemystifyError extends Error {
  /** Stable machine-readable code, e.g. `LESSON_INVALID`, `FETCH_CHECKSUM`. */
  readonly code: string;
  /** Exit code the CLI uses when this error ends a command. */
  readonly exitCode: number;
  /** A hint telling the user what to do next, printed under the message. */
  readonly hint: string | undefined;

  constructor(
    code: string,
    message: string,
    options: { exitCode?: number; cause?: unknown; hint?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DemystifyError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** A user mistake on the command line (unknown chapter, bad flag value): exit code 2. */
export class UsageError extends DemystifyError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super('USAGE', message, { ...options, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** Narrow an unknown thrown value to a message, without a stack. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
