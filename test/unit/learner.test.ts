import { test } from 'node:test';
import { renderLearnerPanel } from '../../src/ui/learner/learner-panel.js';
import { makeTheme } from '../../src/ui/presenter/theme.js';
import { visibleWidth } from '../../src/ui/text/ansi.js';
import assert from 'node:assert/strict';
import { scanLearnerCommands } from '../../src/adapters/learner/learner-commands.js';
import { judgeAttempt, visibleHints, watchStep } from '../../src/engine/learner/attempts.js';
import { learnerCheckOf, normalizeCommand, unverifiableSteps } from '../../src/engine/learner/checks.js';
import {
  emptyProgress,
  parseProgress,
  progressLines,
  recordStep,
} from '../../src/engine/learner/progress.js';
import { initialState, update } from '../../src/engine/machine.js';
import { buildPlan } from '../../src/engine/plan.js';
import { parseHintComment } from '../../src/lesson/hints.js';
import { parseLesson } from '../../src/lesson/parse.js';

const LESSON = `---
id: l
title: L
components:
  db: { ready: "tcp:127.0.0.1:1" }
  bare: {}
---
## One {#one}

\`\`\`sh { name=start session=db }
db --serve
\`\`\`

<!-- hint: start the database -->
<!-- hint when="unix:db.sock": the socket is missing -->

\`\`\`sh { name=put verify="cmd:test -f x" failcheck="cmd:test -f broken" }
touch x
\`\`\`

## Two {#two}

\`\`\`sh { name=echo }
echo   a   b
\`\`\`

\`\`\`sh { name=get expect="output=/hello/" }
cat x
\`\`\`

\`\`\`sh { name=bare session=bare }
bare
\`\`\`
`;

function plan() {
  const { lesson, diagnostics } = parseLesson(LESSON, 'l.md');
  assert.deepEqual(diagnostics, []);
  return { lesson, plan: buildPlan(lesson, { workdir: '/w', asRoot: true }) };
}

test('hints parse, with or without a probe, and belong to the step before them', () => {
  assert.deepEqual(parseHintComment('<!-- hint: quote it -->'), { text: 'quote it' });
  const tied = parseHintComment('<!-- hint when="cmd:grep -q \\"a b\\" f": the file has no a b -->');
  assert.ok(tied && !('error' in tied));
  assert.equal(tied.when?.raw, 'cmd:grep -q "a b" f');
  assert.equal(parseHintComment('<!-- notes: x -->'), undefined);
  assert.ok('error' in (parseHintComment('<!-- hint when="nope:x": t -->') ?? {}));
  const { lesson } = plan();
  const start = lesson.chapters[0]?.steps[0];
  assert.deepEqual(
    start?.hints?.map((h) => h.text),
    ['start the database', 'the socket is missing'],
  );
});

test('each step gets its learner check; only a bare component step is unverifiable', () => {
  const { plan: p } = plan();
  const kinds = p.steps.map((s) => learnerCheckOf(s).kind);
  assert.deepEqual(kinds, ['probes', 'probes', 'command', 'output', 'manual']);
  assert.deepEqual(
    unverifiableSteps(p).map((u) => u.step.name),
    ['bare'],
  );
  assert.equal(p.steps[1]?.failcheck?.[0]?.raw, 'cmd:test -f broken');
  assert.equal(normalizeCommand('sudo  kubectl \\\n  get   pods\n'), 'kubectl get pods');
});

test('a command is judged against the step: equal after normalising, output, or a failed attempt', async () => {
  const { plan: p } = plan();
  const [start, , echo, get] = p.steps.map(learnerCheckOf);
  assert.equal(await judgeAttempt(echo!, { text: 'echo a b', exitStatus: 0, output: 'a b' }), 'done');
  assert.equal(await judgeAttempt(echo!, { text: 'echo a', exitStatus: 0, output: 'a' }), 'failed');
  assert.equal(await judgeAttempt(get!, { text: 'cat y', exitStatus: 0, output: 'hello' }), 'done');
  assert.equal(await judgeAttempt(get!, { text: 'cat x', exitStatus: 1, output: '' }), 'failed');
  assert.equal(await judgeAttempt(start!, { text: 'db', exitStatus: 2, output: '' }), 'failed');
  assert.equal(await judgeAttempt(start!, { text: 'ls', exitStatus: 0, output: '' }), 'neutral');
});

test('plain hints come on request or after two failures; tied ones only while their probe fails', () => {
  const hints = [{}, { when: 'probe' }];
  const w = watchStep(0);
  assert.deepEqual(visibleHints(hints, w), []);
  assert.deepEqual(visibleHints(hints, { ...w, attempts: 1, failing: [1] }), [1]);
  assert.deepEqual(visibleHints(hints, { ...w, attempts: 1, failing: [] }), []);
  assert.deepEqual(visibleHints(hints, { ...w, attempts: 2, failing: [] }), [0]);
  assert.deepEqual(visibleHints(hints, { ...w, asked: true, failing: [1] }), [0, 1]);
});

test('the shell reports each command line: status, output and text, not empty lines', () => {
  const log =
    '\x1b]133;A\x07$ \x1b]133;B\x07\x1b]133;D;0\x07\x1b]633;E;\x07' +
    '\x1b]133;A\x07$ \x1b]133;B\x07echo hi\r\n\x1b]133;C\x07hi\r\n\x1b]133;D;0\x07\x1b]633;E;echo hi\x07' +
    '\x1b]133;A\x07$ \x1b]133;B\x07\x1b]133;C\x07\x1b]133;D;1\x07\x1b]633;E;cat <<X%0Aa%25%0AX\x07\x1b]133;A\x07';
  const { commands, end } = scanLearnerCommands(log);
  assert.deepEqual(
    commands.map((c) => [c.text, c.exitStatus, c.output]),
    [
      ['echo hi', 0, 'hi\n'],
      ['cat <<X\na%\nX', 1, ''],
    ],
  );
  assert.ok(end > 0 && end < log.length);
});

test('progress: done and skipped steps, completed chapters, kept as JSON', () => {
  const { plan: p } = plan();
  let progress = emptyProgress('l');
  progress = recordStep(progress, p, 0, 'done', 1);
  progress = recordStep(progress, p, 1, 'skipped', 2);
  progress = recordStep(progress, p, 2, 'done', 3);
  assert.equal(progress.chapters.one?.completedAt, 2);
  const again = parseProgress(JSON.stringify(progress), 'l');
  assert.deepEqual(progressLines(again, p), ['one: done, skipped: put, 0 min', 'two: 1/3 steps, 0 min']);
  assert.deepEqual(parseProgress('{', 'l'), emptyProgress('l'));
});

test('progress: a chapter whose id is an Object property name (constructor) is a chapter like any other', () => {
  const { plan: p } = plan();
  const named = { ...p, chapters: p.chapters.map((c, i) => (i === 0 ? { ...c, id: 'constructor' } : c)) };
  const steps = named.steps.map((st) =>
    st.chapterId === p.chapters[0]?.id ? { ...st, chapterId: 'constructor' } : st,
  );
  const progress = recordStep(emptyProgress('l'), { ...named, steps }, 0, 'done', 1);
  assert.deepEqual(Object.getOwnPropertyDescriptor(progress.chapters, 'constructor')?.value?.done, [
    steps[0]?.name,
  ]);
  assert.match(progressLines(emptyProgress('l'), { ...named, steps })[0] ?? '', /^constructor: 0\/\d steps/);
});

test('mark-step: a step done or skipped without running, the cursor moves past it', () => {
  const { plan: p } = plan();
  const state = initialState(p);
  const { state: next, effects } = update(state, {
    type: 'mark-step',
    step: 0,
    outcome: { kind: 'skipped', reason: 'r' },
  });
  assert.equal(next.steps[0]?.status, 'skipped');
  assert.equal(next.cursor, 1);
  assert.deepEqual(effects, [{ type: 'persist' }]);
});

test('the learner panel keeps its right border in place with a wide character in the step', () => {
  const { plan: p } = plan();
  const step = { ...p.steps[0]!, name: 'écrire-漢字', session: 'シェル' };
  const lines = renderLearnerPanel({
    step,
    total: p.steps.length,
    check: learnerCheckOf(step),
    watch: undefined,
    hints: [],
    message: null,
    width: 40,
    theme: makeTheme(0),
  });
  for (const line of lines) {
    assert.equal(visibleWidth(line), 40, line);
    assert.match(line, /[┐│┘]$/, `the right border ends the line: ${line}`);
  }
});
