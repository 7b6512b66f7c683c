import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseCast, type CastEvent } from '../../src/adapters/recording/asciicast.js';
import type { RecordingIndex } from '../../src/adapters/recording/recording-index.js';
import { assertNothingLeft, BIN, freePort, ROOT, tempWorkdir } from './engine-helpers.js';

// `demystify run --record` for real on the rehearsal fixture (a shell, Debian's etcd, a plain process):
// one asciicast v2 file per session, every line JSON, times never going back, chapter markers in every
// cast at the chapter's start, step markers, the very bytes of the session logs, and asciinema itself
// (Debian's) printing each cast (`asciinema cat` wants a terminal: `script` gives it one).

const CHAPTERS = ['Warm-up', 'etcd', 'A plain process'];
const STEPS = ['site', 'flaky', 'etcd', 'put', 'web', 'fetch'];

async function lessonIn(dir: string): Promise<string> {
  const vars = 'vars: { etcdPort: "23791", peerPort: "23801", httpPort: "23802" }';
  const text = await readFile(join(ROOT, 'test/fixtures/lessons/rehearsal.md'), 'utf8');
  const [etcd, peer, http] = [await freePort(), await freePort(), await freePort()];
  const file = join(dir, 'rehearsal.md');
  await writeFile(
    file,
    text.replace(vars, `vars: { etcdPort: "${etcd}", peerPort: "${peer}", httpPort: "${http}" }`),
  );
  return file;
}

const markers = (events: CastEvent[]): [number, string][] =>
  events.filter((e) => e[1] === 'm').map((e) => [e[0], e[2]]);
const timeOf = (events: CastEvent[], label: string): number => {
  const found = events.find((e) => e[1] === 'm' && e[2] === label);
  assert.ok(found, `marker ${label}`);
  return found[0];
};

test('run --record: a cast per session with real timing and markers, that asciinema plays', async (t) => {
  const dir = await tempWorkdir(t, 'dm-record-');
  const lesson = await lessonIn(dir);
  const work = join(dir, 'work');
  const rec = join(dir, 'recording');
  const result = await execa(process.execPath, [BIN, 'run', lesson, '--workdir', work, '--record-dir', rec], {
    env: { FLAKY_COUNTER: join(dir, 'counter') },
    reject: false,
    timeout: 120_000,
  });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stderr, /recording: 3 session\(s\) in .*index\.md/);
  assert.deepEqual((await readdir(rec)).sort(), [
    'etcd.cast',
    'index.html',
    'index.json',
    'index.md',
    'shell.cast',
    'web.cast',
  ]);
  const index = JSON.parse(await readFile(join(rec, 'index.json'), 'utf8')) as RecordingIndex;
  assert.deepEqual(
    index.sessions.map((s) => [s.session, s.file, s.width, s.height]),
    [
      ['etcd', 'etcd.cast', 200, 50],
      ['shell', 'shell.cast', 200, 50],
      ['web', 'web.cast', 200, 50],
    ],
  );
  assert.deepEqual(
    index.chapters.map((c) => c.title),
    CHAPTERS,
  );

  for (const session of ['shell', 'etcd', 'web']) {
    const text = await readFile(join(rec, `${session}.cast`), 'utf8');
    // Every line is JSON; the header is asciicast v2; every event is [time, "o"|"m", text].
    for (const line of text.trim().split('\n')) JSON.parse(line);
    const { header, events } = parseCast(text);
    assert.deepEqual([header.version, header.width, header.height], [2, 200, 50]);
    assert.ok(Number.isInteger(header.timestamp) && header.title?.endsWith(`: ${session}`));
    assert.ok(events.every((e) => e[1] === 'o' || e[1] === 'm'));
    events.forEach(
      (e, i) => i === 0 || assert.ok(e[0] >= events[i - 1]![0], `${session}: time goes back at ${i}`),
    );
    // Every chapter is marked in every cast, in order, at the time the index gives for its start.
    const chapterMarks = markers(events).filter(([, label]) => CHAPTERS.includes(label));
    assert.deepEqual(
      chapterMarks.map(([, label]) => label),
      CHAPTERS,
      session,
    );
    for (const c of index.chapters) assert.ok(Math.abs(timeOf(events, c.title) - c.time) < 0.002, c.title);
    // Every step too, each after its chapter's marker.
    assert.deepEqual(
      markers(events)
        .map(([, label]) => label)
        .filter((l) => l.startsWith('▸ ')),
      STEPS.map((s) => `▸ ${s}`),
    );
    // The output is exactly what tmux's pipe-pane wrote into the session's log: no byte lost or doubled.
    const output = events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('');
    assert.equal(output, await readFile(join(work, 'logs', `${session}.log`), 'utf8'), session);
    // asciinema reads it (it needs a terminal: script(1) gives it one).
    const cat = await execa(
      'script',
      ['-qec', `asciinema cat ${join(rec, `${session}.cast`)}`, '/dev/null'],
      {
        reject: false,
        timeout: 30_000,
      },
    );
    assert.equal(cat.exitCode, 0, cat.stderr + cat.stdout);
    if (session === 'shell') assert.match(cat.stdout, /hello from the rehearsal/);
    if (session === 'etcd') assert.match(cat.stdout, /ready to serve client requests/);
  }

  // Real timing: the shell's commands come between their chapter's marker and the next one, and the
  // web step (a process that sleeps 0.3 s before it listens) lasts at least that long on the timeline.
  const shell = parseCast(await readFile(join(rec, 'shell.cast'), 'utf8')).events;
  const put = shell.find((e) => e[1] === 'o' && e[2].includes('put greeting hello'));
  assert.ok(put && put[0] >= timeOf(shell, 'etcd') && put[0] <= timeOf(shell, 'A plain process'));
  assert.ok(timeOf(shell, '▸ fetch') - timeOf(shell, '▸ web') >= 0.3);
  const web = parseCast(await readFile(join(rec, 'web.cast'), 'utf8')).events;
  assert.ok(web.filter((e) => e[1] === 'o').every((e) => e[0] >= timeOf(web, '▸ web') - 0.05));

  await execa(process.execPath, [BIN, 'cleanup', '--workdir', work, '--purge']);
  await assertNothingLeft(work);
});
