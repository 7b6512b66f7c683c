import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';

test('demystify --version prints the version of package.json', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  let out = '';
  const code = await main(['--version'], {
    stdout: (t) => (out += t),
    stderr: () => undefined,
    isTTY: false,
  });
  assert.equal(code, 0);
  assert.equal(out.trim(), pkg.version);
});
