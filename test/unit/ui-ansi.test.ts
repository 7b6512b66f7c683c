import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitAnsi, truncateAnsi, visibleWidth } from '../../src/ui/text/ansi.js';
import { stripAnsi } from '../../src/escapes.js';
import { carryStyles, wrapAnsi, wrapPlain } from '../../src/ui/text/ansi-wrap.js';
import { composeScreen } from '../helpers/screen.js';

const red = (s: string) => `\x1b[31m${s}\x1b[39m`;

test('widths count what is seen: escapes none, accents one, wide characters two', () => {
  assert.equal(visibleWidth(red('été')), 3);
  assert.equal(visibleWidth('日本'), 4);
  assert.equal(visibleWidth('e\u0301'), 1, 'a combining accent takes no column');
  assert.equal(visibleWidth('\x1b]8;;http://x\x07link\x1b]8;;\x07'), 4, 'OSC 8 takes none');
});

test('fitAnsi cuts and pads to exactly the width, keeping styles and ending with a reset', () => {
  assert.equal(fitAnsi('abc', 5), 'abc  ');
  assert.equal(fitAnsi(red('abcdef'), 3), '\x1b[31mabc\x1b[0m');
  assert.equal(fitAnsi('a日b', 2), 'a ', 'a wide character never straddles the edge');
  assert.equal(fitAnsi('a\x1b[2Jb', 3), 'ab ', 'escapes other than styles are dropped');
  assert.equal(truncateAnsi('abcdef', 4), 'abc…');
  assert.equal(truncateAnsi('abc', 4), 'abc');
});

test('property: fitAnsi always gives the exact width, and keeps the text it has room for', () => {
  const text = fc
    .array(fc.oneof(fc.constantFrom('a', 'é', '日', ' ', '\x1b[1m', '\x1b[0m', '\x1b[38;5;200m', '\t')), {
      maxLength: 40,
    })
    .map((a) => a.join(''));
  fc.assert(
    fc.property(text, fc.integer({ min: 0, max: 50 }), (s, w) => {
      const out = fitAnsi(s, w);
      assert.equal(visibleWidth(out), w);
      const plain = stripAnsi(s).replace(/\t/g, ' ');
      if (visibleWidth(plain) <= w) assert.equal(stripAnsi(out).trimEnd(), plain.trimEnd());
    }),
  );
});

test('wrapping: at spaces, long words cut, styles carried to the next line, hanging indent', () => {
  assert.deepEqual(wrapPlain('the quick brown fox', 9), ['the quick', 'brown fox']);
  assert.deepEqual(wrapPlain('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  const lines = wrapAnsi(`  * ${red('one two three four')}`, 12, 4);
  assert.deepEqual(lines.map(stripAnsi), ['  * one two', '    three', '    four']);
  assert.ok(lines.every((l) => visibleWidth(l) <= 12));
  assert.match(lines[1] ?? '', /\x1b\[31m/, 'red goes on after the break');
  assert.deepEqual(carryStyles(['\x1b[1ma', 'b\x1b[0m', 'c']), ['\x1b[1ma', '\x1b[1mb\x1b[0m', 'c']);
});

test('composeScreen draws layers over each other at their places', () => {
  const screen = composeScreen(6, 2, [
    { x: 0, y: 0, lines: ['aaaaaa', 'bbbbbb'] },
    { x: 2, y: 1, lines: [red('XY')] },
  ]);
  assert.deepEqual(screen.map(stripAnsi), ['aaaaaa', 'bbXYbb']);
  assert.match(screen[1] ?? '', /\x1b\[31mXY/);
});
