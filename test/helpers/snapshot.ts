import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './paths.js';

/** The repository root, from the compiled test's place (dist/test/helpers). */
/** Fixtures live in the source tree, not in dist. */
export const FIXTURES = join(ROOT, 'test', 'fixtures');
const SNAPSHOTS = join(ROOT, 'test', 'snapshots');

/**
 * Compare a text with its stored snapshot `test/snapshots/<name>`. A missing snapshot fails the test,
 * so a typo in a name or a forgotten file cannot pass unseen; `UPDATE_SNAPSHOTS=1` writes them all
 * (missing ones included), to be reviewed and committed.
 */
export function matchSnapshot(name: string, actual: string): void {
  const path = join(SNAPSHOTS, name);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path))
    assert.fail(`snapshot ${name} is missing: run the tests once with UPDATE_SNAPSHOTS=1 and commit it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `snapshot ${name} differs (UPDATE_SNAPSHOTS=1 to accept)`);
}
