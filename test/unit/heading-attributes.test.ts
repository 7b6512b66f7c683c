import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseBudget, parseHeading } from '../../src/lesson/heading-attributes.js';
import { parseLesson } from '../../src/lesson/parse.js';

const headings: [string, { title: string; id?: string; budgetMs?: number; problems?: string[] }][] = [
  ['The scheduler', { title: 'The scheduler' }],
  ['The scheduler {#scheduler}', { title: 'The scheduler', id: 'scheduler' }],
  ['etcd {#etcd budget=3m}', { title: 'etcd', id: 'etcd', budgetMs: 180_000 }],
  ['etcd {budget=90s #etcd}', { title: 'etcd', id: 'etcd', budgetMs: 90_000 }],
  ['Warm-up { budget=1m30s }', { title: 'Warm-up', budgetMs: 90_000 }],
  ['Le *plugin* CNI {#cni budget=1h}', { title: 'Le plugin CNI', id: 'cni', budgetMs: 3_600_000 }],
  // Not an attribute block: stays in the title, as before budgets existed.
  ['Using {braces} in a title', { title: 'Using {braces} in a title' }],
  ['Sets {a, b}', { title: 'Sets {a, b}' }],
  ['{}', { title: '{}' }],
  ['etcd {#etcd budget=soon}', { title: 'etcd', id: 'etcd', problems: ['budget'] }],
  ['etcd {#etcd budget=0s}', { title: 'etcd', id: 'etcd', problems: ['budget'] }],
  [
    'etcd {#etcd colour=red}',
    { title: 'etcd', id: 'etcd', problems: ["unknown chapter attribute 'colour'"] },
  ],
  ['etcd {#a #b}', { title: 'etcd', id: 'a', problems: ["'#id' twice"] }],
  ['etcd {budget=1m budget=2m}', { title: 'etcd', budgetMs: 60_000, problems: ["'budget' twice"] }],
];

for (const [text, want] of headings) {
  test(`heading: ${text}`, () => {
    const got = parseHeading(text);
    assert.equal(got.title, want.title);
    assert.equal(got.id, want.id);
    assert.equal(got.budgetMs, want.budgetMs);
    assert.equal(got.problems.length, want.problems?.length ?? 0, JSON.stringify(got.problems));
    want.problems?.forEach((p, i) =>
      assert.ok(got.problems[i]?.message.includes(p), got.problems[i]?.message),
    );
    // Every problem points into the attribute block.
    for (const p of got.problems) assert.ok(text.slice(p.offset).length > 0 && p.offset > text.indexOf('{'));
  });
}

const budgets: [string, number | undefined][] = [
  ['3m', 180_000],
  ['90s', 90_000],
  ['500ms', 500],
  ['1m30s', 90_000],
  ['1h', 3_600_000],
  ['1h15m', 4_500_000],
  ['45', 45_000],
  ['2.5s', 2500],
  ['', undefined],
  ['0', undefined],
  ['m', undefined],
  ['3 m', undefined],
  ['-1m', undefined],
];
for (const [text, ms] of budgets) test(`budget '${text}'`, () => assert.equal(parseBudget(text), ms));

test('a chapter keeps its budget; a bad one is a diagnostic at its column', () => {
  const text = [
    '---',
    'id: b',
    'title: B',
    '---',
    '## One {#one budget=2m}',
    '```bash { name=a }',
    'true',
    '```',
    '## Two {#two budget=later}',
    '## Three',
    '',
  ].join('\n');
  const { lesson, diagnostics } = parseLesson(text, 'b.md');
  assert.deepEqual(
    lesson.chapters.map((c) => [c.id, c.budgetMs]),
    [
      ['one', 120_000],
      ['two', undefined],
      ['three', undefined],
    ],
  );
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0]?.line, 9);
  assert.equal(diagnostics[0]?.column, '## Two {#two '.length + 1);
  assert.match(diagnostics[0]?.message ?? '', /budget 'later'/);
});

test('property: a heading never throws, and its title never holds a valid attribute block', () => {
  fc.assert(
    fc.property(
      fc.string(),
      fc.option(fc.constantFrom('{#x}', '{budget=3m}', '{#x budget=1m}', '{nope}', '{#x colour=red}')),
      (title, block) => {
        const got = parseHeading(block ? `${title} ${block}` : title);
        assert.equal(typeof got.title, 'string');
        if (block && block !== '{nope}' && !/[{}]/.test(title)) assert.ok(!got.title.includes(block));
      },
    ),
  );
});
