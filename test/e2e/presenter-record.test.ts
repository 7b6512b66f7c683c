import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCast } from '../../src/adapters/recording/asciicast.js';
import type { RecordingIndex } from '../../src/adapters/recording/recording-index.js';
import { openPresenter, startPresenter } from './presenter-harness.js';

/**
 * `demystify LESSON --record-dir DIR`: the real presenter, on a pty, records every session it shows, with a
 * marker at each chapter it goes to and each step it runs. The casts take the windows' final size (the
 * presenter fits them to its terminal pane).
 */
test('the presenter records its sessions with chapter and step markers', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'dm-presenter-record-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const rec = join(base, 'recording');
  const h = await startPresenter({ width: 120, height: 40, extraArgs: ['--record-dir', rec] });
  t.after(() => h.dispose());
  openPresenter(h);
  await h.waitFor((s) => s.includes('1/2  Start etcd'), 'the narration');
  h.keys('r');
  await h.waitFor((s) => s.includes('● etcd ready') && s.includes('chapter done'), 'etcd ready');
  // The finished chapter stays on screen: r moves on to the next one, then runs its first step.
  h.keys('r');
  await h.waitFor((s) => s.includes('2/2  Write and read'), 'the next chapter');
  h.keys('r');
  await h.waitFor((s) => /✓ 2\. put/.test(s), 'put done');
  h.keys('q');
  const screen = await h.waitFor((s) => s.includes('EXITED 0'), 'the presenter to end');
  assert.match(screen, /recorded 2 session\(s\): .*index\.md/);

  assert.deepEqual(readdirSync(rec).sort(), [
    'etcd.cast',
    'index.html',
    'index.json',
    'index.md',
    'shell.cast',
  ]);
  const index = JSON.parse(readFileSync(join(rec, 'index.json'), 'utf8')) as RecordingIndex;
  assert.deepEqual(
    index.chapters.map((c) => c.id),
    ['start', 'write-read'],
  );
  for (const session of ['shell', 'etcd']) {
    const { header, events } = parseCast(readFileSync(join(rec, `${session}.cast`), 'utf8'));
    // The terminal pane's size, not tmux's default 200x50.
    assert.ok(header.width < 120 && header.height < 40, `${session}: ${header.width}x${header.height}`);
    events.forEach((e, i) => i === 0 || assert.ok(e[0] >= events[i - 1]![0]));
    const labels = events.filter((e) => e[1] === 'm').map((e) => e[2]);
    assert.deepEqual(labels, ['Start etcd', '▸ start-etcd', 'Write and read', '▸ put'], session);
  }
  const etcd = parseCast(readFileSync(join(rec, 'etcd.cast'), 'utf8')).events;
  assert.ok(etcd.some((e) => e[1] === 'o' && /ready to serve client requests/.test(e[2])));
});
