import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { FIXTURES } from '../helpers/snapshot.js';

/** One fixture per error the parser reports: where it is and what it says. */
const table: { fixture: string; code: string; line: number; column: number; message: RegExp }[] = [
  {
    fixture: 'unknown-attribute',
    code: 'unknown-attribute',
    line: 10,
    column: 18,
    message: /unknown attribute 'colour'/,
  },
  {
    fixture: 'duplicate-step',
    code: 'duplicate-step',
    line: 14,
    column: 1,
    message: /'a' is already used at line 10/,
  },
  {
    fixture: 'duplicate-chapter',
    code: 'duplicate-chapter',
    line: 12,
    column: 1,
    message: /'one' is already used at line 8/,
  },
  {
    fixture: 'unknown-session',
    code: 'unknown-session',
    line: 10,
    column: 18,
    message: /'etdc' names no component \(known: etcd\)/,
  },
  { fixture: 'bad-probe', code: 'bad-probe', line: 10, column: 18, message: /must be tcp:HOST:PORT/ },
  { fixture: 'bad-expect', code: 'bad-expect', line: 10, column: 18, message: /invalid regular expression/ },
  {
    fixture: 'unknown-template',
    code: 'unknown-template',
    line: 11,
    column: 7,
    message: /\$\{versions.kubernetes\} resolves to nothing/,
  },
  { fixture: 'bad-yaml', code: 'yaml', line: 3, column: 17, message: /invalid YAML/ },
  {
    fixture: 'step-outside-chapter',
    code: 'step-outside-chapter',
    line: 8,
    column: 1,
    message: /after a chapter heading/,
  },
];

for (const row of table) {
  test(`lint fixture ${row.fixture}`, () => {
    const file = `${row.fixture}.md`;
    const { diagnostics, ok } = parseLesson(readFileSync(join(FIXTURES, 'lint', file), 'utf8'), file);
    assert.equal(ok, false);
    assert.equal(diagnostics.length, 1, diagnostics.map((d) => d.message).join('\n'));
    const [d] = diagnostics;
    assert.deepEqual([d?.code, d?.line, d?.column], [row.code, row.line, row.column]);
    assert.match(d?.message ?? '', row.message);
  });
}

test('every error is collected before reporting', () => {
  const { diagnostics } = parseLesson(
    readFileSync(join(FIXTURES, 'lint', 'many-errors.md'), 'utf8'),
    'many-errors.md',
  );
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['unknown-session', 'unknown-attribute', 'unknown-template', 'duplicate-step'],
  );
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    isTTY: false,
  });
  return { code, out, err };
}

test('demystify lint prints file:line:column, the line and a caret, and exits 1', async () => {
  const { code, out, err } = await cli('lint', join(FIXTURES, 'lint', 'unknown-attribute.md'));
  assert.equal(code, 1);
  assert.equal(err, '');
  const lines = out.split('\n');
  assert.match(lines[0] ?? '', /unknown-attribute\.md:10:18: unknown attribute 'colour'/);
  assert.equal(lines[1], '  10 | ```bash { name=a colour=red }');
  assert.equal(lines[2], '     |                  ^~~~~~');
  assert.doesNotMatch(out + err, /at .*\.js:\d+/, 'no stack trace');
});

test('demystify lint exits 0 on a valid lesson, and reports an unknown --from chapter', async () => {
  assert.equal((await cli('lint', join(FIXTURES, 'lessons', 'minimal.md'))).code, 0);
  const bad = await cli('lint', join(FIXTURES, 'lessons', 'minimal.md'), '--from', 'nope');
  assert.equal(bad.code, 1);
  assert.match(bad.out, /--from 'nope' names no chapter \(chapters: first, start-etcd\)/);
});

test('a missing lesson is a usage error without a stack trace', async () => {
  const { code, err } = await cli('lint', '/nonexistent/lesson.md');
  assert.equal(code, 2);
  assert.match(err, /no lesson file/);
  assert.doesNotMatch(err, /\n\s+at /);
});
