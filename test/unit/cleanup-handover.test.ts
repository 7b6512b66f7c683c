import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpeakerChannelServer } from '../../src/adapters/speaker-channel/channel-server.js';
import { isCleanupRequest, requestCleanup } from '../../src/adapters/speaker-channel/cleanup-request.js';
import { speakerSocketPath } from '../../src/adapters/speaker-channel/socket-path.js';
import { handOverToPresenter } from '../../src/cli/actions/cleanup-handover.js';

test('cleanup asks the presenter only when a presenter holds the work directory and answers', async () => {
  const holders = ['present', 'learn', 'run', 'replay', 'cleanup', undefined] as const;
  for (const command of holders) {
    for (const answers of [true, false]) {
      for (const [force, wait] of [
        [false, false],
        [true, false],
        [false, true],
      ]) {
        const asked: { socket: string; purge: boolean }[] = [];
        const handed = await handOverToPresenter(
          '/work/talk',
          { purge: true, force, wait },
          {
            holder: () => Promise.resolve(command === undefined ? undefined : { command }),
            request: (socket, purge) => {
              asked.push({ socket, purge });
              return Promise.resolve(answers);
            },
          },
        );
        const what = `holder ${command ?? 'none'}, channel ${answers ? 'answers' : 'silent'}, force ${force}, wait ${wait}`;
        // --force and --wait keep their meaning (end the holder, wait for it); any holder but a presenter
        // keeps the refusal.
        const asks = (command === 'present' || command === 'learn') && !force && !wait;
        assert.equal(handed, asks && answers, what);
        assert.deepEqual(asked, asks ? [{ socket: speakerSocketPath('/work/talk'), purge: true }] : [], what);
      }
    }
  }
});

test('the request is accepted by a presenter that answers; silence, an old presenter or no socket is no', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-handover-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const got: unknown[] = [];
  const answering = await SpeakerChannelServer.listen(join(dir, 'a.sock'), (message, reply) => {
    got.push(message);
    if (isCleanupRequest(message)) reply({ type: 'cleanup-accepted' });
  });
  // A snapshot is sent first to whoever connects: the requester skips it.
  answering.publish({ type: 'snapshot', lines: ['x'.repeat(100_000)] });
  const silent = await SpeakerChannelServer.listen(join(dir, 's.sock'), () => undefined);
  t.after(async () => {
    await answering.close();
    await silent.close();
  });
  assert.equal(await requestCleanup(join(dir, 'a.sock'), true), true);
  assert.deepEqual(got, [{ type: 'cleanup', purge: true }]);
  assert.equal(await requestCleanup(join(dir, 's.sock'), false, 200), false);
  assert.equal(await requestCleanup(join(dir, 'none.sock'), false), false);
  assert.equal(isCleanupRequest({ type: 'cleanup' }), false, 'purge must be said');
  assert.equal(isCleanupRequest(null), false);
});
