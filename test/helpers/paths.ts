import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/<dir>). */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The compiled CLI, run as a user runs it. */
export const BIN = join(ROOT, 'dist/src/cli/bin.js');
