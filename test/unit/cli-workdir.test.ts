import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lessonWorkdir, lessonWorkdirRoot, workdirRootFor } from '../../src/cli/common.js';

// The one place that decides a command's work directory (src/cli/common.ts).

const home = '/tmp/demystify-home-of-the-test';
const minimal = fileURLToPath(new URL('../../../test/fixtures/lessons/minimal.md', import.meta.url));

async function withHome<T>(body: () => Promise<T> | T): Promise<T> {
  const saved = process.env.DEMYSTIFY_HOME;
  process.env.DEMYSTIFY_HOME = home;
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env.DEMYSTIFY_HOME;
    else process.env.DEMYSTIFY_HOME = saved;
  }
}

test('lessonWorkdirRoot: --workdir (made absolute), else $DEMYSTIFY_HOME/<lesson-id>', async () => {
  await withHome(() => {
    assert.equal(lessonWorkdirRoot('minimal', 'some/dir'), resolve('some/dir'));
    assert.equal(lessonWorkdirRoot('minimal'), join(home, 'minimal'));
    assert.equal(lessonWorkdir('minimal').root, join(home, 'minimal'));
    assert.equal(lessonWorkdir('minimal').stateFile, join(home, 'minimal', 'state.json'));
  });
});

test('workdirRootFor: an id or no lesson needs no file; a path is read for its id', async () => {
  await withHome(async () => {
    assert.equal(
      await workdirRootFor(undefined, undefined, undefined, {}),
      join(home, 'demystify-kubernetes'),
    );
    assert.equal(await workdirRootFor('no-such-lesson-id', undefined), join(home, 'no-such-lesson-id'));
    assert.equal(await workdirRootFor(minimal, undefined), join(home, 'minimal'));
    assert.equal(await workdirRootFor(minimal, 'w'), resolve('w'));
  });
});

test('workdirRootFor: typed in a lesson session, no lesson and no --workdir mean the work directory of that session', async () => {
  await withHome(async () => {
    const env = { DEMYSTIFY_WORKDIR: '/srv/talk/wd' };
    assert.equal(await workdirRootFor(undefined, undefined, undefined, env), '/srv/talk/wd');
    assert.equal(await workdirRootFor(undefined, 'w', undefined, env), resolve('w'));
    assert.equal(
      await workdirRootFor('no-such-lesson-id', undefined, undefined, env),
      join(home, 'no-such-lesson-id'),
    );
    assert.equal(
      await workdirRootFor(undefined, undefined, undefined, { DEMYSTIFY_WORKDIR: 'rel' }),
      join(home, 'demystify-kubernetes'),
    );
  });
});
