import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLesson } from '../../src/lesson/parse.js';

const HEAD = '---\nid: x\ntitle: X\n---\n';
const STEP = (name: string): string => `\`\`\`bash { name=${name} }\necho ${name}\n\`\`\`\n`;
const NOTE = (text: string): string => `<!-- notes: ${text} -->\n`;

/**
 * Where a speaker note belongs: right after a step (or its expected output, or another of its notes),
 * to that step; anywhere else (under the heading, after narration), to the chapter.
 */
test('speaker notes attach to the step they follow, else to the chapter', () => {
  const table: {
    name: string;
    body: string;
    steps: Record<string, string[] | undefined>;
    chapter: string[];
  }[] = [
    {
      name: 'under the heading',
      body: `${NOTE('intro')}\n${STEP('a')}`,
      steps: { a: undefined },
      chapter: ['intro'],
    },
    {
      name: 'right after a step',
      body: `${STEP('a')}\n${NOTE('after a')}`,
      steps: { a: ['after a'] },
      chapter: [],
    },
    {
      name: 'after the expected output',
      body: `${STEP('a')}\n\`\`\`\nout\n\`\`\`\n\n${NOTE('after output')}`,
      steps: { a: ['after output'] },
      chapter: [],
    },
    {
      name: 'two in a row after a step',
      body: `${STEP('a')}\n${NOTE('one')}${NOTE('two')}`,
      steps: { a: ['one', 'two'] },
      chapter: [],
    },
    {
      name: 'after narration that follows a step',
      body: `${STEP('a')}\nSome words.\n\n${NOTE('loose')}`,
      steps: { a: undefined },
      chapter: ['loose'],
    },
    {
      name: 'each step its own',
      body: `${NOTE('c')}\n${STEP('a')}\n${NOTE('na')}\n${STEP('b')}\n${NOTE('nb')}`,
      steps: { a: ['na'], b: ['nb'] },
      chapter: ['c'],
    },
    {
      name: 'a multi-line note',
      body: `${STEP('a')}\n<!-- notes: first line\nsecond line -->\n`,
      steps: { a: ['first line\nsecond line'] },
      chapter: [],
    },
    {
      name: 'not carried over a heading',
      body: `${STEP('a')}\n## B\n\n${NOTE('of b')}`,
      steps: { a: undefined },
      chapter: [],
    },
  ];
  for (const c of table) {
    const { lesson, ok, diagnostics } = parseLesson(`${HEAD}## A\n\n${c.body}`, 'x.md');
    assert.ok(ok, `${c.name}: ${JSON.stringify(diagnostics)}`);
    const [first] = lesson.chapters;
    for (const [name, notes] of Object.entries(c.steps))
      assert.deepEqual(
        first?.steps.find((s) => s.name === name)?.notes,
        notes,
        `${c.name}: notes of ${name}`,
      );
    const own = first?.blocks.flatMap((b) => (b.kind === 'notes' && !b.step ? [b.text] : []));
    assert.deepEqual(own, c.chapter, `${c.name}: the chapter's own notes`);
    // Every note is still in the chapter's list, in order, as the presenter's notes pane shows them.
    const all = first?.blocks.flatMap((b) => (b.kind === 'notes' ? [b.text] : []));
    assert.deepEqual(first?.notes, all, `${c.name}: every note`);
  }
});

test('a note block says which step it belongs to', () => {
  const { lesson } = parseLesson(`${HEAD}## A\n\n${STEP('a')}\n${NOTE('n')}`, 'x.md');
  const block = lesson.chapters[0]?.blocks.find((b) => b.kind === 'notes');
  assert.deepEqual(block && 'step' in block ? block.step : undefined, 'a');
});

test("the front matter's budget is the talk's: a duration, else an error at its key", () => {
  const table: [string, number | undefined, boolean][] = [
    ['45m', 45 * 60_000, true],
    ['1h15m', 75 * 60_000, true],
    ['90', 90_000, true],
    ['soon', undefined, false],
    ['0m', undefined, false],
  ];
  for (const [value, ms, ok] of table) {
    const result = parseLesson(`---\nid: x\ntitle: X\nbudget: ${value}\n---\n## A\n`, 'x.md');
    assert.equal(result.lesson.budgetMs, ms, value);
    assert.equal(result.ok, ok, value);
    if (!ok) assert.match(result.diagnostics[0]?.message ?? '', /budget '.*' must be a duration/);
    if (!ok) assert.equal(result.diagnostics[0]?.line, 4);
  }
});
