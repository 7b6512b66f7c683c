import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tmux } from '../../src/adapters/tmux/tmux.js';
import { PACES, PresenterPace, STAGE_PACE } from '../../src/ui/presenter/typing-pace.js';

/** A Tmux whose commands are recorded instead of run. */
class RecordingTmux extends Tmux {
  readonly calls: string[][] = [];
  override run(args: string[]): Promise<string> {
    this.calls.push(args);
    return Promise.resolve('');
  }
}

test('the pace steps through its speeds; stage speed is a key every 35 ms', () => {
  const pace = new PresenterPace(STAGE_PACE);
  assert.equal(pace.keyDelayMs(), 35);
  assert.equal(pace.step(1), 40);
  assert.equal(pace.step(-1), 24);
  for (let i = 0; i < 10; i++) pace.step(-1);
  assert.equal(pace.keysPerSecond, PACES[0]);
  for (let i = 0; i < 10; i++) pace.step(1);
  assert.equal(pace.keysPerSecond, PACES[PACES.length - 1]);
  assert.ok(new PresenterPace().keysPerSecond > STAGE_PACE, 'a learner’s default is faster than the stage');
});

test('human typing reads the pace at every key, and finishes at once when hurried', async () => {
  const delays: number[] = [];
  const tmux = new RecordingTmux({
    socket: '/nonexistent',
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  const pace = new PresenterPace(STAGE_PACE);
  let keys = 0;
  const counting = {
    get hurry() {
      return pace.hurry;
    },
    keyDelayMs() {
      keys++;
      // Faster from the fourth key on; hurried during the sixth.
      if (keys === 4) pace.keysPerSecond = 120;
      if (keys === 6) pace.hurry = true;
      return pace.keyDelayMs();
    },
  };
  await tmux.typeLine('etcd', 'etcd --name demo', 'human', counting);
  const sent = tmux.calls
    .filter((c) => c.includes('-H'))
    .map((c) => String.fromCharCode(parseInt(c.at(-1)!, 16)));
  assert.equal(sent.join(''), 'etcd -', 'six keys, one at a time');
  assert.ok(delays[0]! >= 17 && delays[0]! <= 53, `stage delay with jitter: ${delays[0]}`);
  assert.ok(delays[4]! <= 2, 'then faster');
  const paste = tmux.calls.find((c) => c.includes('paste-buffer'));
  assert.ok(paste, 'the rest in one paste');
  assert.ok(paste.includes('Enter'), 'and Enter in the same command list');
});
