import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpeakerChannelClient } from '../../src/adapters/speaker-channel/channel-client.js';
import { SpeakerChannelServer } from '../../src/adapters/speaker-channel/channel-server.js';
import { speakerSocketPath } from '../../src/adapters/speaker-channel/socket-path.js';
import { splitLines } from '../../src/adapters/speaker-channel/ndjson.js';

/** Poll until `predicate` holds (every 5 ms, up to 5 s). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A follower that keeps what it was sent and whether it is connected. */
function follower(path: string): { client: SpeakerChannelClient; got: unknown[]; connected: () => boolean } {
  const got: unknown[] = [];
  let connected = false;
  const client = new SpeakerChannelClient(
    path,
    { onMessage: (m) => got.push(m), onConnection: (c) => (connected = c) },
    20,
  );
  client.start();
  return { client, got, connected: () => connected };
}

test('the socket is in the work directory, or under /tmp when that path is too long', () => {
  assert.equal(speakerSocketPath('/work/talk'), '/work/talk/.demystify/speaker.sock');
  const long = `/work/${'x'.repeat(120)}`;
  assert.match(speakerSocketPath(long), /^\/tmp\/demystify-[0-9a-f]{16}\/speaker\.sock$/);
  assert.equal(speakerSocketPath(long), speakerSocketPath(`${long}/`), 'the same folder, the same socket');
});

test('lines are cut from chunks, and an endless line is refused', () => {
  const lines: string[] = [];
  const feed = splitLines((l) => lines.push(l));
  assert.ok(feed('{"a":1}\n{"b"'));
  assert.ok(feed(':2}\n\n'));
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}']);
  assert.equal(feed('x'.repeat(2 << 20)), false);
});

test('several followers get every snapshot; a late one the latest at once; they wait for a restarted server', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-speaker-'));
  const path = join(dir, '.demystify', 'speaker.sock');
  const received: unknown[] = [];
  let server = await SpeakerChannelServer.listen(path, (m) => received.push(m));
  const a = follower(path);
  const b = follower(path);
  t.after(() => {
    a.client.close();
    b.client.close();
    void server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal(statSync(path).mode & 0o777, 0o600, 'only the user may connect');
  await until(() => server.count === 2, 'two followers');
  server.publish({ n: 1 });
  server.publish({ n: 2 });
  await until(() => a.got.length === 2 && b.got.length === 2, 'both snapshots at both');
  assert.deepEqual(a.got, [{ n: 1 }, { n: 2 }]);
  const late = follower(path);
  await until(() => late.got.length === 1, 'the latest for the late one');
  assert.deepEqual(late.got, [{ n: 2 }]);
  late.client.close();

  // A follower may speak back: one object per line; what is not JSON is ignored.
  assert.ok(a.client.send({ type: 'restart-clock' }));
  await until(() => received.length === 1, 'the message');
  assert.deepEqual(received, [{ type: 'restart-clock' }]);

  // The presenter goes: the followers notice, and follow the next one on the same path.
  await server.close();
  await until(() => !a.connected() && !b.connected(), 'both disconnected');
  assert.equal(a.client.send({ type: 'restart-clock' }), false);
  server = await SpeakerChannelServer.listen(path, () => undefined);
  server.publish({ n: 3 });
  await until(() => a.connected() && b.connected(), 'both connected again');
  await until(() => a.got.length === 3 && b.got.length === 3, 'the new presenter followed');
  assert.deepEqual(b.got.at(-1), { n: 3 });
});

test('a socket left by a presenter that crashed is replaced; closing removes only its own file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-speaker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'speaker.sock');
  const first = await SpeakerChannelServer.listen(path, () => undefined);
  // A second presenter on the same work directory takes over the path.
  const second = await SpeakerChannelServer.listen(path, () => undefined);
  await first.close();
  assert.ok(statSync(path).isSocket(), "the first one's close left the second one's socket");
  await second.close();
  assert.throws(() => statSync(path), /ENOENT/);
});
