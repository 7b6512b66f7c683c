import { test } from 'node:test';
import assert from 'node:assert/strict';
import xterm from '@xterm/headless';
import { Painter } from '../../src/ui/presenter/painter.js';

/** What a terminal shows after the painter's bytes (a real emulator reads them). */
async function screenAfter(writes: string[], cols = 20, rows = 4): Promise<string[]> {
  const term = new xterm.Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  for (const w of writes) await new Promise<void>((r) => term.write(w, r));
  const buffer = term.buffer.active;
  const lines = Array.from({ length: rows }, (_, y) =>
    (buffer.getLine(y)?.translateToString(true) ?? '').trimEnd(),
  );
  term.dispose();
  return lines;
}

test('a frame is painted whole, then only what changed is sent again', async () => {
  const painter = new Painter();
  painter.resize(20, 4);
  painter.frame([
    { x: 0, y: 0, width: 20, height: 1, lines: ['\x1b[1mtitle\x1b[0m'] },
    { x: 0, y: 1, width: 20, height: 3, lines: ['one', 'two', 'three'] },
  ]);
  const first = painter.flush();
  assert.match(first, /\x1b\[2J/, 'the first flush clears and sends everything');
  // The same frame again: nothing to send.
  painter.frame([
    { x: 0, y: 0, width: 20, height: 1, lines: ['\x1b[1mtitle\x1b[0m'] },
    { x: 0, y: 1, width: 20, height: 3, lines: ['one', 'two', 'three'] },
  ]);
  assert.equal(painter.flush(), '');
  // One region laid again with one changed line: one cursor move, one short run.
  painter.lay({ x: 0, y: 1, width: 20, height: 3, lines: ['one', 'tWo', 'three'] });
  const delta = painter.flush();
  assert.equal(delta.match(/\x1b\[\d+;\d+H/g)?.length, 1);
  assert.ok(delta.length < 20, `a small update: ${JSON.stringify(delta)}`);
  assert.deepEqual(await screenAfter([first, delta]), ['title', 'one', 'tWo', 'three']);
});

test('styles and wide characters come out right; a redraw sends everything again', async () => {
  const painter = new Painter();
  painter.resize(20, 4);
  painter.frame([{ x: 2, y: 1, width: 10, height: 2, lines: ['\x1b[0;31mred\x1b[0m ok', '日本 x'] }]);
  const first = painter.flush();
  assert.match(first, /\x1b\[0m\x1b\[0;31mred/);
  assert.deepEqual(await screenAfter([first]), ['', '  red ok', '  日本 x', '']);
  painter.lay({ x: 2, y: 2, width: 10, height: 1, lines: ['日本 y'] });
  const delta = painter.flush();
  assert.deepEqual(await screenAfter([first, delta]), ['', '  red ok', '  日本 y', '']);
  painter.invalidate();
  assert.match(painter.flush(), /\x1b\[2J[\s\S]*red[\s\S]*日本 y/);
});
