import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { assertNothingLeft, BIN, tempWorkdir } from '../integration/engine-helpers.js';

/** Run the CLI in `cwd`, as a user does there; never throws. */
async function demystifyIn(cwd: string, ...args: string[]) {
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd,
    reject: false,
    env: { DEMYSTIFY_HOME: '/nonexistent' },
  });
  return { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A one-chapter lesson whose one step is named `step`. */
function lessonText(step: string): string {
  return [
    '---',
    'id: where',
    'title: Where',
    '---',
    '## One {#one}',
    `\`\`\`bash { name=${step} }`,
    `echo ${step}`,
    '```',
    '',
  ].join('\n');
}

test('state.json records the lesson by absolute path: replay from another folder replays that very file', async (t) => {
  const dir = await tempWorkdir(t, 'dm-lesson-path-');
  const workdir = join(dir, 'work');
  const here = join(dir, 'here');
  const elsewhere = join(dir, 'elsewhere');
  await mkdir(here);
  await mkdir(elsewhere);
  await writeFile(join(here, 'etcd.md'), lessonText('from-here'));
  // Another lesson of the same name: what a path stored as given would silently pick up.
  await writeFile(join(elsewhere, 'etcd.md'), lessonText('from-elsewhere'));

  const run = await demystifyIn(here, 'run', 'etcd.md', '--headless', '--workdir', workdir);
  assert.equal(run.code, 0, run.stderr);
  const state = JSON.parse(await readFile(join(workdir, 'state.json'), 'utf8')) as { lessonFile: string };
  assert.equal(state.lessonFile, join(here, 'etcd.md'));

  const replay = await demystifyIn(elsewhere, 'replay', 'one', '--workdir', workdir);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /^one\s+from-here\s+\S+\s+ok$/m);
  assert.ok(!replay.stdout.includes('from-elsewhere'), 'not the other folder’s etcd.md');

  const cleanup = await demystifyIn(elsewhere, 'cleanup', '--workdir', workdir, '--purge');
  assert.equal(cleanup.code, 0, cleanup.stderr);
  await assertNothingLeft(workdir);
});
