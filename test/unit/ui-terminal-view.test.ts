import { test } from 'node:test';
import assert from 'node:assert/strict';
import xterm from '@xterm/headless';
import { visibleWidth } from '../../src/ui/text/ansi.js';
import { stripAnsi } from '../../src/escapes.js';
import { bufferLines, type BufferLike } from '../../src/ui/terminal/terminal-view.js';

/** A real emulator (pure computation, no process) fed with `data`. */
async function emulate(data: string, cols = 20, rows = 4): Promise<BufferLike> {
  const term = new xterm.Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(data, resolve));
  return term.buffer.active as unknown as BufferLike;
}

test('the emulator’s screen comes back as lines of exactly its width, with colours', async () => {
  const buffer = await emulate(
    '\x1b[31mred\x1b[0m \x1b[1;44mbold on blue\x1b[0m\r\nplain\r\n\x1b[38;5;208m256\x1b[38;2;1;2;3mrgb',
  );
  const lines = bufferLines(buffer, 20, 4, false);
  assert.equal(lines.length, 4);
  for (const line of lines) assert.equal(visibleWidth(line), 20);
  assert.deepEqual(
    lines.map((l) => stripAnsi(l).trimEnd()),
    ['red bold on blue', 'plain', '256rgb', ''],
  );
  assert.match(lines[0] ?? '', /\x1b\[0;31mred\x1b\[0m \x1b\[0;1;44mbold on blue/);
  assert.match(lines[2] ?? '', /\x1b\[0;38;5;208m256\x1b\[0;38;2;1;2;3mrgb/);
});

test('a wide character takes two cells; the cursor is drawn inverted when asked', async () => {
  const buffer = await emulate('日本\r\nab');
  const lines = bufferLines(buffer, 20, 4, true);
  assert.equal(visibleWidth(lines[0] ?? ''), 20);
  assert.equal(stripAnsi(lines[0] ?? '').trimEnd(), '日本');
  // The cursor sits after "ab": the third cell of the second line is inverted.
  assert.match(lines[1] ?? '', /^ab\x1b\[0;7m \x1b\[0m/);
  assert.doesNotMatch(bufferLines(buffer, 20, 4, false)[1] ?? '', /\x1b\[0;7m/);
});

test('only the viewport is shown, after the screen scrolled', async () => {
  const buffer = await emulate(Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\r\n'), 20, 3);
  assert.deepEqual(
    bufferLines(buffer, 20, 3, false).map((l) => stripAnsi(l).trimEnd()),
    ['line 7', 'line 8', 'line 9'],
  );
});
