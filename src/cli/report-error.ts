import { DemystifyError, messageOf } from '../errors.js';

/**
 * Turn any thrown value into a message and an exit code. A DemystifyError is a user-facing
 * condition and never shows a stack; anything else is a bug and shows one only with DEMYSTIFY_DEBUG.
 */
export function reportError(error: unknown, stderr: (text: string) => void): number {
  if (error instanceof DemystifyError) {
    stderr(`demystify: ${error.message}\n`);
    if (error.hint) stderr(`  hint: ${error.hint}\n`);
    if (process.env.DEMYSTIFY_DEBUG && error.cause) stderr(`  cause: ${String(error.cause)}\n`);
    return error.exitCode;
  }
  const message = messageOf(error);
  stderr(`demystify: internal error: ${message}\n`);
  if (process.env.DEMYSTIFY_DEBUG && error instanceof Error && error.stack) stderr(`${error.stack}\n`);
  else stderr('  (set DEMYSTIFY_DEBUG=1 for details, and please report it)\n');
  return 70;
}
