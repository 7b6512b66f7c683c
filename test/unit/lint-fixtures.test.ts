import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { lintLesson } from '../../src/lesson/lint.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { LINT_RULES } from '../../src/lesson/rules/index.js';
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

/**
 * Lessons that lint used to accept (issue 17): each fixture's diagnostics, with severity, line and column.
 * The BOM fixture is a valid lesson that starts with a byte order mark: nothing to report.
 */
const accepted: {
  fixture: string;
  ok: boolean;
  diagnostics: [code: string, severity: 'error' | 'warning', line: number, column: number, message: RegExp][];
}[] = [
  {
    fixture: 'unclosed-fence',
    ok: false,
    diagnostics: [
      [
        'unclosed-fence',
        'error',
        11,
        1,
        /^the code block opened at line 8 is still open at this heading: the heading and what follows it would be typed into the shell/,
      ],
    ],
  },
  {
    fixture: 'unclosed-fence-eof',
    ok: true,
    diagnostics: [['unclosed-fence', 'warning', 8, 1, /never closed: it runs to the end of the file/]],
  },
  { fixture: 'bom', ok: true, diagnostics: [] },
  {
    fixture: 'nul-byte',
    ok: false,
    diagnostics: [['nul-byte', 'error', 9, 21, /NUL byte .* a terminal would cut the command/]],
  },
  {
    fixture: 'prototype-names',
    ok: false,
    diagnostics: [
      ['unknown-session', 'error', 10, 18, /^session 'toString' names no component/],
      ['unknown-option', 'error', 14, 18, /^when: no lesson option 'constructor' \(options: network\)/],
      ['unknown-template', 'error', 15, 6, /^\$\{vars\.constructor\} resolves to nothing/],
      ['unknown-template', 'error', 15, 26, /^unknown template namespace 'constructor'/],
      ['unknown-template', 'error', 15, 46, /^\$\{options\.hasOwnProperty\} resolves to nothing/],
      ['unknown-template', 'error', 15, 72, /^\$\{vars\.__proto__\} resolves to nothing/],
    ],
  },
  {
    fixture: 'numeric-chapter-ids',
    ok: true,
    diagnostics: [
      [
        'numeric-chapter-id',
        'warning',
        6,
        10,
        /'3' names this chapter, not the chapter at position 3 \('2'\)/,
      ],
      [
        'numeric-chapter-id',
        'warning',
        8,
        8,
        /'1' names this chapter, not the chapter at position 1 \('3'\)/,
      ],
      [
        'numeric-chapter-id',
        'warning',
        10,
        8,
        /'2' names this chapter, not the chapter at position 2 \('1'\)/,
      ],
    ],
  },
];

for (const row of accepted) {
  test(`lint fixture ${row.fixture} (issue 17)`, () => {
    const file = `${row.fixture}.md`;
    const text = readFileSync(join(FIXTURES, 'lint', file), 'utf8');
    const { lesson, diagnostics, ok } = parseLesson(text, file);
    assert.equal(ok, row.ok);
    assert.deepEqual(lintLesson(lesson, text, LINT_RULES), []);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.line, d.column]),
      row.diagnostics.map(([code, severity, line, column]) => [code, severity, line, column]),
      diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'),
    );
    diagnostics.forEach((d, i) => assert.match(d.message, row.diagnostics[i]![4]));
  });
}

test('a byte order mark and CRLF line ends change no position', () => {
  const text = readFileSync(join(FIXTURES, 'lint', 'unknown-attribute.md'), 'utf8');
  const plain = parseLesson(text, 'u.md').diagnostics;
  const marked = parseLesson(`\uFEFF${text.replace(/\n/g, '\r\n')}`, 'u.md').diagnostics;
  assert.deepEqual(marked, plain);
  assert.equal(plain.length, 1);
  assert.equal(plain[0]?.sourceLine, '```bash { name=a colour=red }');
});

test('demystify lint: a BOM lesson is ok; a NUL shows as ␀ under its caret', async () => {
  const bom = await cli('lint', join(FIXTURES, 'lint', 'bom.md'));
  assert.equal(bom.code, 0, bom.out);
  assert.match(bom.out, /bom\.md: ok \(1 chapters, 1 steps\)/);
  const nul = await cli('lint', join(FIXTURES, 'lint', 'nul-byte.md'));
  assert.equal(nul.code, 1);
  const lines = nul.out.split('\n');
  assert.match(lines[0] ?? '', /nul-byte\.md:9:21: a NUL byte/);
  assert.equal(lines[1], '   9 | rm -rf "$WORKDIR/tmp\u2400/important"');
  assert.equal(lines[2], '     |                     ^');
});

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
