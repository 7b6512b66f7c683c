import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildPlan } from '../../src/engine/plan.js';
import { UsageError } from '../../src/errors.js';
import { lintLesson } from '../../src/lesson/lint.js';
import { parseLesson, slugify, openFence } from '../../src/lesson/parse.js';
import { parseHeading } from '../../src/lesson/heading-attributes.js';
import { LINT_RULES } from '../../src/lesson/rules/index.js';
import { FIXTURES } from '../helpers/snapshot.js';

const minimal = readFileSync(join(FIXTURES, 'lessons', 'minimal.md'), 'utf8');

test('the minimal fixture parses into chapters, steps, output and notes with positions', () => {
  const { lesson, ok, diagnostics } = parseLesson(minimal, 'minimal.md');
  assert.deepEqual(diagnostics, []);
  assert.ok(ok);
  assert.equal(lesson.id, 'minimal');
  assert.match(lesson.intro ?? '', /An introduction/);
  assert.deepEqual(
    lesson.chapters.map((c) => c.id),
    ['first', 'start-etcd'],
  );
  const [first, second] = lesson.chapters;
  assert.deepEqual(
    first?.blocks.map((b) => b.kind),
    ['narration', 'step', 'output', 'notes'],
  );
  assert.deepEqual(first?.notes, ['point at the prompt']);
  const hello = first?.steps[0];
  assert.equal(hello?.expectedOutput, 'hello');
  assert.deepEqual(hello?.pos, { file: 'minimal.md', line: 23, column: 1 });
  assert.equal(hello?.code, 'echo "hello ${USER} from ${lesson.workdir}"');
  const etcd = second?.steps[0];
  assert.equal(etcd?.session, 'etcd');
  assert.equal(etcd?.timeoutMs, 20_000);
  assert.deepEqual(
    etcd?.ready.map((p) => p.kind),
    ['log'],
  );
  assert.deepEqual(second?.steps[1]?.expect, { fail: true });
  assert.deepEqual(second?.steps[2]?.when, [{ option: 'network', value: 'bridge' }]);
  assert.equal(second?.steps[2]?.check, true);
});

test('a code block without attributes that follows no step is narration', () => {
  const text = '---\nid: x\ntitle: X\n---\n## A\n\n```bash\nls\n```\n';
  const { lesson, ok } = parseLesson(text, 'x.md');
  assert.ok(ok);
  assert.equal(lesson.chapters[0]?.steps.length, 0);
  assert.deepEqual(
    lesson.chapters[0]?.blocks.map((b) => b.kind),
    ['narration'],
  );
});

test('steps without a name get a stable one from their chapter', () => {
  const text = '---\nid: x\ntitle: X\n---\n## Chap\n\n```bash {}\nls\n```\n\n```bash { check }\nls\n```\n';
  const { lesson } = parseLesson(text, 'x.md');
  assert.deepEqual(
    lesson.chapters[0]?.steps.map((s) => s.name),
    ['chap-1', 'chap-2'],
  );
});

test('the chapter level comes from the front matter', () => {
  const text =
    '---\nid: x\ntitle: X\nchapters: 3\n---\n## Part\n### One\n```bash { name=a }\nls\n```\n### Two\n';
  const { lesson, ok } = parseLesson(text, 'x.md');
  assert.ok(ok);
  assert.deepEqual(
    lesson.chapters.map((c) => c.id),
    ['one', 'two'],
  );
});

const slugs: [string, string][] = [
  ['kube-apiserver', 'kube-apiserver'],
  ['Démarrer `etcd` !', 'demarrer-etcd'],
  ['The CNI plugin (bridge)', 'the-cni-plugin-bridge'],
  ['  Spaces   inside ', 'spaces-inside'],
];
for (const [title, slug] of slugs) test(`slug of ${title}`, () => assert.equal(slugify(title), slug));

test('an explicit {#id} wins over the slug', () => {
  const { title, id } = parseHeading('Le *plugin* CNI {#cni}');
  assert.deepEqual({ title, id }, { title: 'Le plugin CNI', id: 'cni' });
});

/** openFence: a code block's raw text (as marked gives it), its opener, the chapter level, a Markdown sample. */
const fences: [string, string, number, boolean, ReturnType<typeof openFence>][] = [
  ['```bash { name=a }\nls\n```\n', '```', 2, false, undefined],
  ['```bash { name=a }\n## a comment\nls\n```\n', '```', 2, false, undefined],
  ['```bash { name=a }\nls\n\n## Two\n\ntext\n', '```', 2, false, { heading: { line: 3, column: 1 } }],
  ['```bash { name=a }\nls\n', '```', 2, false, {}],
  ['```bash { name=a }\nls\n', '```', 2, true, {}],
  [
    '```bash { name=a }\nls\n## Two\ntext\n```bash { name=b }\necho\n```\n',
    '```',
    2,
    false,
    { heading: { line: 2, column: 1 } },
  ],
  ['```markdown\n## Two {#two}\n```bash { name=b }\necho\n```\n', '```', 2, true, undefined],
  ['```markdown\n## Two {#two}\n', '```', 2, true, { heading: { line: 1, column: 1 } }],
  ['~~~sh { name=a }\nls\n```\n', '~~~', 2, false, {}],
  ['````bash { name=a }\nls\n```\n', '````', 2, false, {}],
  ['````bash { name=a }\nls\n`````\n', '````', 2, false, undefined],
  ['```bash { name=a }\nls\n   ## Two\n', '```', 2, false, { heading: { line: 2, column: 4 } }],
  ['```bash { name=a }\nls\n## Two\n### Three\n', '```', 3, false, { heading: { line: 3, column: 1 } }],
  ['```bash { name=a }\nls\n##No space\n', '```', 2, false, {}],
  ['```bash { name=a }', '```', 2, false, {}],
];
for (const [raw, opener, level, sample, expected] of fences) {
  test(`openFence(${JSON.stringify(raw)}, level ${level}${sample ? ', sample' : ''})`, () => {
    assert.deepEqual(openFence(raw, opener, level, sample), expected);
  });
}

test('property: no input makes the parser, lint or the plan throw; every diagnostic has a valid place', () => {
  const pieces = fc.constantFrom(
    '---\n',
    'id: a\n',
    'title: T\n',
    'components:\n  etcd: {}\n',
    'versions: [1\n',
    '## Chapter\n',
    '# Title\n',
    '```bash { name=x }\n',
    '```bash {"name":\n',
    '```\n',
    'echo ${versions.k}\n',
    '<!-- notes: n -->\n',
    'text\n',
    '```bash { session=etcd ready="tcp:a" expect=fail }\n',
    '~~~sh { check }\n',
    '~~~\n',
    '{#id}\n',
    '\n',
    // Issue 17: a byte order mark, NUL bytes, CR line ends, fences left open, names every object
    // inherits, chapter ids that are numbers, shell quoting around templates.
    '\uFEFF',
    '\uFEFF---\nid: a\ntitle: T\n---\n',
    'rm -rf x\0y\n',
    '\0',
    '\r\n',
    '\r',
    '```bash { name=open }\necho still open\n',
    '```bash { name=t session=toString when=constructor=x }\n',
    '```bash { session=__proto__ ready="cmd:ls ${vars.constructor}" expect="output=/${vars.toString}/" }\n',
    'echo ${vars.constructor} ${constructor.name} ${options.hasOwnProperty} ${vars.__proto__}\n',
    'vars: { __proto__: x, constructor: "a b" }\n',
    'components:\n  toString: {}\n  constructor: { session: c }\n',
    'options:\n  __proto__: { values: [a, b] }\n',
    '## Three {#3}\n',
    '## 1\n',
    '## Two {#2}\n',
    'echo \'${lesson.workdir}\' "${lesson.workdir}" ${lesson.workdir} $(ls ${lesson.bin}) `x`\n',
    'cat > f <<EOF\n',
    "cat <<-'END'\n",
    'EOF\n',
    "echo $'it\\'s' \\${lesson.id} # ${node.ip}\n",
    'kubectl get pods | constructor --cluster-cidr=10.0.0.0/8\n',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')),
      ),
      fc.constantFrom('/w', '/tmp/Jean Dupont', "/tmp/l'école"),
      (text, workdir) => {
        const result = parseLesson(text, 'p.md');
        const lint = lintLesson(result.lesson, text, LINT_RULES);
        const lines = text
          .replace(/^\uFEFF/, '')
          .replace(/\r\n?/g, '\n')
          .split('\n');
        for (const d of [...result.diagnostics, ...lint]) {
          assert.ok(d.line >= 1 && d.line <= lines.length, `line ${d.line} of ${lines.length}: ${d.message}`);
          assert.ok(d.column >= 1, `column ${d.column}: ${d.message}`);
          assert.ok(
            d.column <= (lines[d.line - 1]?.length ?? 0) + 1,
            `column ${d.column} past line ${d.line} (${lines[d.line - 1]?.length}): ${d.message}`,
          );
          assert.equal(typeof d.message, 'string');
          assert.doesNotMatch(d.message, /failed on this lesson/);
          if (d.sourceLine !== undefined) assert.doesNotMatch(d.sourceLine, /[\0\r]/);
        }
        assert.equal(result.ok, !result.diagnostics.some((d) => d.severity === 'error'));
        // The plan, whatever the lesson: data, or a usage error (never a TypeError).
        for (const from of [undefined, '3']) {
          try {
            const plan = buildPlan(result.lesson, { workdir, ...(from === undefined ? {} : { from }) });
            for (const step of plan.steps) assert.equal(typeof step.command, 'string');
          } catch (error) {
            assert.ok(error instanceof UsageError, String(error));
          }
        }
      },
    ),
    { numRuns: 500 },
  );
});
