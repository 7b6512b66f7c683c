import { readFileSync } from 'node:fs';

/**
 * The version in package.json, so `demystify --version` cannot drift from the package. Read from the file
 * (three folders above dist/src/cli/) rather than imported as JSON: a synchronous read of one small file
 * costs well under a millisecond, and `--help` loads nothing more.
 */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
