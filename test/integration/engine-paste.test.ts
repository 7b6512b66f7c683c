import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadLesson } from '../../src/adapters/lessons/lesson-files.js';
import { openLessonEngine } from '../../src/adapters/runtime/lesson-engine.js';
import { WorkdirRuntime } from '../../src/adapters/runtime/workdir-runtime.js';
import { DemystifyError } from '../../src/errors.js';
import { waitFor } from '../helpers/wait.js';
import { assertNothingLeft, stopWatching, tempWorkdir } from './engine-helpers.js';

// Instant typing pastes a here-document whole (one bracketed paste, one Enter): its bytes must arrive
// exactly, its step must end with the right status, and nothing else about a step may change.

/** A body bash must not touch: tabs, `$`, backslashes, quotes, blank lines, delimiter look-alikes. */
const EXACT = [
  '\tindented with a tab\t\tand two more',
  'dollars: $HOME ${HOME} $(date) `date` $((1 << 2)) \\$ $',
  'backslashes: \\ \\\\ \\n \\t and a quote \' and " and `',
  '',
  '   ',
  'EOF ',
  ' EOF',
  '# not a comment; && || | < > <<NOT',
  'été ✓ — unicode',
  'a line ending in a backslash \\',
  '',
].join('\n');

const ENGINE_LESSON = `---
id: paste-test
title: Paste test
---
## Heredocs {#heredocs}
\`\`\`bash { name=fake-sudo }
sudo() { "$@"; }
\`\`\`
\`\`\`bash { name=write-exact }
cat > exact.txt <<'EOF'
${EXACT}
EOF
\`\`\`
\`\`\`bash { name=write-expanded }
answer=42
cat > expanded.txt <<-EOF
\tvalue=$((answer / 2)) \\$kept
\t
\tEOF
\`\`\`
\`\`\`bash { name=write-sudo sudo expect="output=/through sudo/" }
tee sudo.txt <<'EOF'
through sudo
EOF
\`\`\`
\`\`\`bash { name=status-3 expect="exit=3" }
bash <<'EOF'
echo inside
exit 3
EOF
\`\`\`
\`\`\`bash { name=stops expect=fail }
cat > missing-dir/file <<'EOF'
never written
EOF
touch should-not-exist
\`\`\`
## Hangs {#hangs}
\`\`\`bash { name=hangs timeout=1s }
sleep 600 <<'EOF'
body
EOF
\`\`\`
`;

test('instant typing: here-documents arrive byte-exact, in one paste each; outcomes, sudo, Ctrl-C as before', async (t) => {
  const dir = await tempWorkdir(t, 'dm-paste-');
  const workdir = join(dir, 'work');
  const lessonFile = join(dir, 'paste.md');
  await writeFile(lessonFile, ENGINE_LESSON);
  // Not as root: `sudo` steps get the planner's prefix, typed into a shell whose `sudo` runs its argv.
  const { engine, runtime, plan } = await openLessonEngine(await loadLesson(lessonFile), {
    workdir,
    typing: 'instant',
    asRoot: false,
  });
  const step = (name: string) => engine.getState().steps[plan.steps.findIndex((s) => s.name === name)];
  assert.match(plan.steps.find((s) => s.name === 'write-sudo')!.command, /^sudo env "PATH=\$PATH" tee/);

  engine.dispatch({ type: 'run', headless: true, to: 0 });
  assert.deepEqual(await engine.whenIdle(), { kind: 'ok' });
  assert.equal(await readFile(join(workdir, 'exact.txt'), 'utf8'), `${EXACT}\n`);
  assert.equal(await readFile(join(workdir, 'expanded.txt'), 'utf8'), 'value=21 $kept\n\n');
  assert.equal(await readFile(join(workdir, 'sudo.txt'), 'utf8'), 'through sudo\n');
  for (const name of ['write-exact', 'write-expanded', 'write-sudo']) {
    const outcome = step(name)?.outcome;
    assert.deepEqual([outcome?.kind, outcome?.kind === 'ok' && outcome.exitStatus], ['ok', 0], name);
  }
  const status3 = step('status-3')?.outcome;
  assert.equal(status3?.kind === 'ok' && status3.exitStatus, 3);
  // The failing here-document is the step's status, and the line after it was never typed.
  const stops = step('stops')?.outcome;
  assert.equal(stops?.kind === 'ok' && stops.exitStatus, 1);
  assert.equal(existsSync(join(workdir, 'should-not-exist')), false);
  // Each here-document went in whole: bash never showed a continuation prompt; no tmux buffer is left.
  const log = await readFile(join(workdir, 'logs', 'shell.log'), 'utf8');
  assert.ok(log.includes('\x1b[?2004h'), 'bash asks for bracketed paste at its prompt');
  assert.ok(!log.includes('\x1b]133;A;k=s'), 'no continuation prompt in the log');
  assert.match(log, /through sudo/);
  assert.equal(await runtime.tmux.run(['list-buffers']), '');

  // A here-document step that times out is interrupted (Ctrl-C) and the shell comes back.
  engine.dispatch({ type: 'run', headless: true, from: 1 });
  const hung = await engine.whenIdle();
  assert.equal(hung?.kind, 'step-failed');
  assert.equal(step('hangs')?.outcome?.kind, 'timed-out');
  const signal = stopWatching(t);
  // Until the prompt is back after Ctrl-C, the session is busy: poll.
  const typed = await waitFor('the shell to take a command again', () =>
    runtime.terminal.type('shell', 'echo back', { typing: 'instant', signal }).catch((error: unknown) => {
      if (error instanceof DemystifyError && error.code === 'SESSION_BUSY') return undefined;
      throw error;
    }),
  );
  assert.deepEqual(await typed.ended, { exitStatus: 0, output: 'back\n' });
  await engine.flush();
  await runtime.cleanup();
  await assertNothingLeft(dir);
});

test('human typing still types a here-document line by line, each continuation prompt shown', async (t) => {
  const dir = await tempWorkdir(t, 'dm-paste-human-');
  const m = await WorkdirRuntime.open(dir, { lessonId: 'p', lessonFile: 'none.md', options: {}, reset: [] });
  const typed = await m.terminal.type('shell', "cat > h.txt <<'E'\n\t$x \\\nE", {
    typing: 'human',
    signal: stopWatching(t),
  });
  assert.deepEqual(await typed.ended, { exitStatus: 0, output: '' });
  assert.equal(await readFile(join(dir, 'h.txt'), 'utf8'), '\t$x \\\n');
  const log = await readFile(join(dir, 'logs', 'shell.log'), 'utf8');
  assert.equal(log.split('\x1b]133;A;k=s').length - 1, 2, 'two continuation prompts');
  await m.cleanup();
  await assertNothingLeft(dir);
});
