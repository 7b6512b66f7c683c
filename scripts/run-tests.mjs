#!/usr/bin/env node
// Runs the compiled tests with node's own test runner, one file at a time (they share tmux,
// ports and containerd), and ends with node's summary plus a plain `N passed, N failed` line.
// Each argument names a folder or a file under dist/test, by path: `unit` is dist/test/unit/**,
// `unit/parse` (or `unit/parse.test.js`) is that one file. An argument that names nothing is an
// error, so a typo cannot run fewer tests than meant and still pass.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const tests = join(root, 'dist/test');
const args = process.argv.slice(2);
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}
if (!existsSync(tests)) {
  console.error('no dist/test: build first (npm run build)');
  process.exit(1);
}
const all = walk(tests).map((f) => relative(tests, f).split(sep).join('/'));
/** The test files an argument names: the folder's files, or the one file (with or without `.test.js`). */
function select(arg) {
  const path = arg
    .replace(/^(\.\/)?(dist\/)?test\//, '')
    .replace(/\/+$/, '')
    .replace(/\.test\.(js|ts)$/, '');
  return all.filter((f) => f === `${path}.test.js` || f.startsWith(`${path}/`));
}
let files = all;
if (args.length > 0) {
  const chosen = new Set();
  for (const arg of args) {
    const matched = select(arg);
    if (matched.length === 0) {
      console.error(`run-tests: '${arg}' names no test folder or file under dist/test`);
      process.exit(2);
    }
    for (const f of matched) chosen.add(f);
  }
  files = [...chosen];
}
files.sort();
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter=./scripts/count-reporter.mjs',
    '--test-reporter-destination=stdout',
    '--test-reporter-destination=stdout',
    ...files.map((f) => join(tests, f)),
  ],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
