import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleWidth } from '../../src/ui/text/ansi.js';
import { stripAnsi } from '../../src/escapes.js';
import { renderMarkdown } from '../../src/ui/text/markdown.js';
import { autoScroll, renderNarration } from '../../src/ui/presenter/narration.js';
import { wrapCommand } from '../../src/ui/text/command-wrap.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { formatDuration, renderStepBox } from '../../src/ui/presenter/step-box.js';
import { makeTheme } from '../../src/ui/presenter/theme.js';
import { engineAfter, fixtureLesson, runStep } from './ui-fixtures.js';

const theme = makeTheme(1);
const plain = (lines: string[]) => lines.map(stripAnsi).join('\n');

test('Markdown is rendered as GitHub shows it: emphasis, lists, tables, quotes, links, code', () => {
  const md = [
    '# Title',
    '',
    'Some *emphasis*, **bold** and `code`.',
    '',
    '- a *styled* item',
    '- two',
    '',
    '| a | b |',
    '| --- | --- |',
    '| 1 | 2 |',
    '',
    '> quoted',
    '',
    'A [link](https://example.com/x) and <https://example.org>.',
    '',
    '```',
    'plain code',
    '```',
  ].join('\n');
  const lines = renderMarkdown(md, 60, theme);
  const text = plain(lines);
  assert.match(text, /^Title$/m, 'no # prefix');
  assert.match(text, /Some emphasis, bold and code\./);
  assert.match(text, /^• a styled item$/m);
  assert.match(text, /│ a │ b │/);
  assert.match(text, /^│ quoted$/m);
  assert.match(text, /A link \(https:\/\/example\.com\/x\) and https:\/\/example\.org\./);
  assert.match(text, /^ {2}plain code$/m);
  const joined = lines.join('\n');
  assert.match(joined, /\x1b\[3memphasis/, 'italic');
  assert.match(joined, /\x1b\[1mbold/, 'bold');
  assert.match(joined, /\x1b\[3mstyled/, 'emphasis inside a list item survives');
  assert.doesNotMatch(joined, /\x1b\]8;/, 'no OSC 8 hyperlinks');
});

test('every line of the narration fits its width, whatever the Markdown', () => {
  const md = `- ${'a long list item that goes on and on '.repeat(4)}\n\n| ${'wide column '.repeat(8)} | b |\n| --- | --- |\n| 1 | 2 |\n\n${'word '.repeat(60)}`;
  for (const width of [20, 37, 80]) {
    for (const line of renderMarkdown(md, width, theme))
      assert.ok(visibleWidth(line) <= width, `${visibleWidth(line)} > ${width}: ${stripAnsi(line)}`);
  }
  const item = renderMarkdown(`- ${'word '.repeat(20)}`, 30, theme).map(stripAnsi);
  assert.ok(
    item.slice(1).every((l) => l.startsWith('  ') && !l.startsWith('   ')),
    'list items wrap under their text',
  );
});

test('a step box shows number, name, session and state; the current one is marked', () => {
  const lesson = fixtureLesson('cluster');
  const engine = engineAfter(lesson, runStep(0, { kind: 'ok', durationMs: 420 }));
  const step = engine.plan.steps[0]!;
  const done = plain(
    renderStepBox(step, engine.steps[0]!, {
      current: false,
      width: 60,
      theme,
      now: 0,
      shellSession: 'shell',
    }),
  );
  assert.match(done, /╭─ ✓ 1\. start-etcd \[etcd\] ─+ ok 420ms ─╮/);
  assert.match(done, /│ \$ etcd --data-dir etcd-data --listen-client-urls +│/);
  const failed = renderStepBox(
    step,
    {
      status: 'failed',
      outcome: {
        kind: 'failed',
        durationMs: 1,
        exitStatus: 2,
        expectation: 'exit=0',
        reason: 'exited with status 2',
        logTail: [],
      },
    },
    { current: true, width: 60, theme, now: 0, shellSession: 'shell' },
  );
  assert.match(plain(failed), /▶ ✗ 1\. start-etcd \[etcd\] ─+ failed \(exit 2\) ─╮/);
  assert.match(plain(failed), /✗ exited with status 2/);
  for (const line of failed) assert.equal(visibleWidth(line) <= 60, true);
  assert.deepEqual(wrapCommand('etcd --a http://x --b', 14), ['$ etcd --a', '      http://x', '      --b']);
  assert.deepEqual(
    [formatDuration(420), formatDuration(12_400), formatDuration(125_000)],
    ['420ms', '12s', '2m05s'],
  );
});

test('the narration of a chapter: intro first, steps of the plan only, notes never', () => {
  const lesson = fixtureLesson('cluster');
  const engine = engineAfter(lesson);
  const text = renderNarration(lesson, engine, { width: 70, theme, now: 0 });
  const all = plain(text.lines);
  assert.match(all, /^A cluster by hand$/m, 'the introduction opens the first chapter');
  assert.match(all, /^1\/4 {2}The store$/m);
  assert.doesNotMatch(all, /point at the status line/, 'speaker notes stay out of the narration');
  assert.deepEqual([...text.steps.keys()], [0, 1]);
  const next = renderNarration(lesson, engineAfter(lesson, [{ type: 'jump-to-chapter', chapter: 1 }]), {
    width: 70,
    theme,
    now: 0,
  });
  assert.doesNotMatch(plain(next.lines), /A cluster by hand/);
  assert.deepEqual([...next.steps.keys()], [2, 3]);
});

test('autoScroll keeps the current step in view, a third of the way down', () => {
  const text = {
    lines: Array.from({ length: 100 }, () => ''),
    steps: new Map([
      [3, { start: 60, end: 64 }],
      [0, { start: 2, end: 5 }],
    ]),
  };
  assert.equal(autoScroll(text, 0, 20), 0);
  assert.equal(autoScroll(text, 3, 21), 53);
  assert.equal(autoScroll(text, 9, 20), 0, 'a step of another chapter: the top');
  assert.equal(autoScroll({ lines: ['a'], steps: new Map() }, 0, 20), 0);
});

test('paragraphs, lists and line breaks as written: soft breaks joined, hard ones kept', () => {
  const md = [
    'One paragraph written',
    'over two lines.',
    '',
    'A second one.',
    '',
    '1. an item written',
    '   over two lines;',
    '2. a second item',
    '   - nested',
    '',
    'A hard\\',
    'break.',
  ].join('\n');
  const text = plain(renderMarkdown(md, 60, theme));
  assert.equal(
    text,
    [
      'One paragraph written over two lines.',
      '',
      'A second one.',
      '',
      '1. an item written over two lines;',
      '2. a second item',
      '   • nested',
      '',
      'A hard',
      'break.',
    ].join('\n'),
  );
});

test('the introduction keeps its paragraphs and its list', () => {
  const source = [
    '---',
    'id: t',
    'title: T',
    'lang: en',
    '---',
    '',
    '# T',
    '',
    'First paragraph.',
    '',
    'Second paragraph:',
    '',
    '1. one;',
    '2. two.',
    '',
    '## A chapter {#a}',
    '',
    'Text.',
  ].join('\n');
  const parsed = parseLesson(source, 't.md');
  assert.ok(parsed.ok);
  const text = plain(renderMarkdown(parsed.lesson.intro ?? '', 60, theme));
  assert.equal(
    text,
    ['T', '', 'First paragraph.', '', 'Second paragraph:', '', '1. one;', '2. two.'].join('\n'),
  );
});

test('commands wrap at spaces with their continuation indent, never leaving a lone backslash', () => {
  const command = [
    'etcd --name demystify \\',
    '  --listen-client-urls https://127.0.0.1:2379 \\',
    '  --service-account-issuer=https://kubernetes.default.svc.cluster.local \\',
    '  --key-file certs/admin-key.pem',
  ].join('\n');
  const lines = wrapCommand(command, 40);
  for (const line of lines) assert.ok(line.length <= 40, line);
  assert.ok(!lines.some((l) => l.trim() === '\\'), 'no line is a lone backslash');
  assert.deepEqual(lines.slice(0, 4), [
    '$ etcd --name demystify \\',
    '    --listen-client-urls',
    '        https://127.0.0.1:2379 \\',
    '    --service-account-issuer=https://',
  ]);
  assert.ok(
    lines.every((l, i) => i === 0 || l.startsWith('    ')),
    'never back at column 0',
  );
});
