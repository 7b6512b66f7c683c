import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  commandStartOffset,
  lineCycle,
  scanMarks,
  shellIdle,
  stripEscapes,
} from '../../src/adapters/tmux/shell-marks.js';

const A = '\x1b]133;A\x07';
const B = '\x1b]133;B\x07';
const C = '\x1b]133;C\x07';
const D = (n: number): string => `\x1b]133;D;${n}\x07`;
const PS2 = '\x1b]133;A;k=s\x07> ';
const prompt = `${A}dir # ${B}`;

test('scanMarks finds every kind, with BEL or ST terminators', () => {
  const marks = scanMarks(`${prompt}x${C}out${D(3)}\x1b]133;A\x1b\\${PS2}`);
  assert.deepEqual(
    marks.map((m) => [m.kind, m.status]),
    [
      ['prompt', undefined],
      ['prompt-end', undefined],
      ['command-start', undefined],
      ['command-end', 3],
      ['prompt', undefined],
      ['continuation', undefined],
    ],
  );
});

test('lineCycle: a command that ran, with status and output as a person saw it', () => {
  // As bash writes it: the echoed line, CR LF, bracketed paste off, C, output, D, the next prompt.
  const text = `echo hi\r\n\x1b[?2004l\r${C}hi\r\nthere\r\n${D(0)}\x1b[?2004h${prompt}`;
  const end = text.indexOf(A) + A.length;
  assert.deepEqual(lineCycle(text), { kind: 'prompt', ran: true, status: 0, output: 'hi\nthere\n', end });
});

test('lineCycle: continuation, an empty or comment line, not finished yet', () => {
  assert.equal(lineCycle(`cat <<EOF\r\n${PS2}`)?.kind, 'continuation');
  const comment = lineCycle(`# note\r\n${D(1)}${prompt}`);
  assert.equal(comment?.kind, 'prompt');
  assert.equal(comment?.kind === 'prompt' && comment.ran, false);
  assert.equal(lineCycle(`sleep 5\r\n${C}`), undefined);
  assert.equal(lineCycle(`false\r\n${C}${D(1)}`), undefined);
  const failed = lineCycle(`false\r\n${C}${D(1)}${prompt}`);
  assert.equal(failed?.kind === 'prompt' && failed.status, 1);
});

test('lineCycle: a prompt redrawn by a resize (no D mark before it) does not end the line', () => {
  const redraw = `\r\x1b[K\r${prompt}`;
  assert.equal(lineCycle(`${redraw}sleep 5\r\n${C}`), undefined);
  assert.equal(lineCycle(`sleep 5\r\n${redraw}`), undefined);
  const done = lineCycle(`${redraw}false\r\n${C}${D(1)}${prompt}`);
  assert.deepEqual(done && done.kind === 'prompt' && [done.ran, done.status], [true, 1]);
});

test('commandStartOffset points just past the C mark; shellIdle reads the last mark', () => {
  const text = `etcd --x\r\n${C}{"level":"info"}`;
  assert.equal(text.slice(commandStartOffset(text)!), '{"level":"info"}');
  assert.equal(commandStartOffset('typed only'), undefined);
  assert.equal(shellIdle(`${D(0)}${prompt}`), true);
  assert.equal(shellIdle(`${prompt}etcd\r\n${C}running`), false);
  assert.equal(shellIdle(`${prompt}cat <<EOF\r\n${PS2}`), false);
  assert.equal(shellIdle('no marks'), undefined);
});

test('stripEscapes keeps what a person reads', () => {
  assert.equal(stripEscapes('\x1b[1;32mgreen\x1b[0m\r\n'), 'green\n');
  assert.equal(stripEscapes(`${A}x${B}`), 'x');
  assert.equal(stripEscapes('progress 10%\rprogress 100%\n'), 'progress 100%\n');
  assert.equal(stripEscapes('a\x1b(Bb\x07c'), 'abc');
});
