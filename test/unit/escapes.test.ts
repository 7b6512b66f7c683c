import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripAnsi } from '../../src/escapes.js';
import { stripEscapes } from '../../src/adapters/tmux/shell-marks.js';

const rows: [name: string, input: string, plain: string][] = [
  ['SGR', '\x1b[1;31mred\x1b[0m', 'red'],
  ['OSC ended by BEL', 'a\x1b]133;C\x07b', 'ab'],
  ['OSC ended by ST', 'a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', 'alink'],
  ['OSC cut off at the end of a chunk', 'done\x1b]133;D;0', 'done'],
  ['CSI cursor move', 'a\x1b[2Kb\x1b[10;4H', 'ab'],
  ['charset selection keeps nothing of the sequence', '\x1b(Bx\x1b)0y', 'xy'],
  ['keypad mode and cursor save', '\x1b=a\x1b7b\x1b8', 'ab'],
];

for (const [name, input, plain] of rows) {
  test(`stripAnsi: ${name}`, () => assert.equal(stripAnsi(input), plain));
}

test('stripEscapes also resolves carriage returns and drops control characters', () => {
  assert.equal(stripEscapes('50%\r100%\r\nok\x07\x1b(B\n'), '100%\nok\n');
});
