import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseLesson, slugify, headingTitle } from '../../src/lesson/parse.js';
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
  assert.deepEqual(headingTitle('Le *plugin* CNI {#cni}'), { title: 'Le plugin CNI', id: 'cni' });
});

test('property: no input makes the parser throw; every diagnostic has a valid place', () => {
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
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')),
      ),
      (text) => {
        const result = parseLesson(text, 'p.md');
        const lines = text.replace(/\r\n?/g, '\n').split('\n').length;
        for (const d of result.diagnostics) {
          assert.ok(d.line >= 1 && d.line <= lines, `line ${d.line} of ${lines}`);
          assert.ok(d.column >= 1);
          assert.equal(typeof d.message, 'string');
        }
        assert.equal(result.ok, !result.diagnostics.some((d) => d.severity === 'error'));
      },
    ),
    { numRuns: 500 },
  );
});
