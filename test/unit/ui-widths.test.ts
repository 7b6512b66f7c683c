import { test } from 'node:test';
import stringWidth from 'string-width';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { stripAnsi } from '../../src/escapes.js';
import { fitAnsi, graphemes, pieces, truncateAnsi, visibleWidth } from '../../src/ui/text/ansi.js';
import { wrapPlain } from '../../src/ui/text/ansi-wrap.js';
import { renderTable } from '../../src/ui/text/markdown-table.js';
import { Painter } from '../../src/ui/presenter/painter.js';
import { createEmulator } from '../../src/ui/terminal/emulator.js';
import { bufferLines } from '../../src/ui/terminal/terminal-view.js';
import { frameLines } from '../helpers/screen.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { engineAfter, frameOf } from './ui-fixtures.js';

test('widths: emoji and emoji sequences 2, CJK 2, combining marks 0, escapes none', () => {
  for (const emoji of ['🚀', '✅', '⚡', '👍🏽', '🇫🇷', '👨‍👩‍👧']) assert.equal(visibleWidth(emoji), 2, emoji);
  assert.equal(visibleWidth('日本語'), 6);
  assert.equal(visibleWidth('\u0301'), 0);
  assert.equal(visibleWidth('e\u0301'), 1);
  assert.equal(visibleWidth('a\u20d0'), 1, 'a combining mark outside U+0300–036F is zero too');
  assert.equal(visibleWidth('a\u200bb'), 2, 'a zero-width space takes no column');
  assert.equal(visibleWidth('\x1b[1;31m🚀\x1b[0m ok'), 5);
  assert.deepEqual(graphemes('👍🏽e\u0301'), [
    { char: '👍🏽', width: 2 },
    { char: 'e\u0301', width: 1 },
  ]);
});

test('cutting, padding, wrapping and pieces agree with the widths', () => {
  assert.equal(fitAnsi('🚀go', 5), '🚀go ');
  assert.equal(fitAnsi('a👍🏽', 2), 'a ', 'a wide grapheme never straddles the edge, nor is split');
  assert.equal(truncateAnsi('✅ done and more', 8), '✅ done…');
  assert.deepEqual(wrapPlain('⚡⚡⚡', 4), ['⚡⚡', '⚡']);
  const drawn = pieces('\x1b[1m👍🏽\x1b[0mx').filter((p) => 'char' in p);
  assert.deepEqual(drawn, [
    { char: '👍🏽', width: 2 },
    { char: 'x', width: 1 },
  ]);
});

test('a table with emoji and zero-width characters keeps its borders in line', () => {
  const lines = renderTable(
    ['name', 'state'],
    [
      ['🚀 rocket', '✅'],
      ['a\u200bb', 'e\u0301'],
    ],
    40,
  ).split('\n');
  const widths = new Set(lines.map(visibleWidth));
  assert.equal(widths.size, 1, lines.join('\n'));
});

test('the painter gives a wide grapheme two cells and keeps what follows in its column', () => {
  const painter = new Painter();
  painter.resize(6, 2);
  painter.frame([{ x: 0, y: 0, width: 6, height: 2, lines: ['👍🏽ab│', 'xxab│'] }]);
  painter.flush();
  // Only the `b` after the emoji changes: the painter moves to its cell, column 4 (the emoji takes
  // columns 1 and 2, `a` column 3), as it is below the `b` of `xxab`. Counted as one cell, it would be 3.
  painter.frame([{ x: 0, y: 0, width: 6, height: 2, lines: ['👍🏽ac│', 'xxab│'] }]);
  assert.equal(painter.flush(), '\x1b[1;4H\x1b[0mc');
});

test('a narration line with emoji leaves the pane borders where they are', () => {
  const source = [
    '---',
    'id: emoji',
    'title: Emoji',
    '---',
    '',
    '## Start {#start}',
    '',
    'Plain words first, then the same length with emoji.',
    '',
    '🚀 launch ✅ done ⚡ fast 👍🏽 good 日本',
    '',
    '```sh { name=hello }',
    'echo hello',
    '```',
    '',
  ].join('\n');
  const parsed = parseLesson(source, 'emoji.md');
  assert.ok(parsed.ok, JSON.stringify(parsed.diagnostics));
  const frame = frameOf(parsed.lesson, engineAfter(parsed.lesson), { width: 100, height: 24 });
  const lines = frameLines(frame);
  const withEmoji = lines.findIndex((l) => l.includes('🚀'));
  assert.ok(withEmoji >= 0, 'the emoji line is on screen');
  // Columns as a terminal draws them (string-width itself), not as the code under test measures.
  for (const line of lines) assert.equal(stringWidth(line), 100);
  // Every │ of the emoji line is at a column where the plain line above it has one too.
  const borders = (line: string): number[] => {
    const cols: number[] = [];
    let x = 0;
    for (const { segment } of new Intl.Segmenter().segment(stripAnsi(line))) {
      if (segment === '│') cols.push(x);
      x += stringWidth(segment);
    }
    return cols;
  };
  const plain = lines.findIndex((l) => l.includes('Plain words'));
  assert.deepEqual(borders(lines[withEmoji]!), borders(lines[plain]!));
  assert.ok(borders(lines[withEmoji]!).length > 0);
});

test('the terminal emulator measures as the frame does: a line with emoji fills exactly its columns', async () => {
  const emulator = createEmulator(12, 2);
  await new Promise<void>((resolve) => emulator.write('a日b✅c🚀d|\r\ne\u0301⚡x|', resolve));
  const lines = bufferLines(emulator.buffer.active, 12, 2, false);
  emulator.dispose();
  assert.deepEqual(lines.map(stripAnsi), ['a日b✅c🚀d| ', 'e\u0301⚡x|       ']);
  for (const line of lines) assert.equal(stringWidth(stripAnsi(line)), 12);
});

test('property: the graphemes of any text add up to string-width of the whole, and rebuild it', () => {
  const text = fc
    .array(
      fc.constantFrom(
        'a',
        '1',
        ' ',
        'e\u0301',
        '\u0301',
        '日',
        '✅',
        '🚀',
        '👍',
        '🏽',
        '\u200d',
        '\ufe0f',
        '\u20e3',
        '🇫',
        '🇷',
        '\u200b',
        'é',
      ),
      {
        maxLength: 30,
      },
    )
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, (s) => {
      const parts = graphemes(s);
      assert.equal(parts.map((g) => g.char).join(''), s);
      assert.equal(
        parts.reduce((sum, g) => sum + g.width, 0),
        stringWidth(s),
      );
      assert.equal(visibleWidth(s), stringWidth(s));
    }),
  );
});
