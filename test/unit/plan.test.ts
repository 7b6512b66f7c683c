import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLesson } from '../../src/lesson/parse.js';
import { buildPlan, findChapterIndex } from '../../src/engine/plan.js';
import { UsageError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { parsePins, parseSetFlags, setupFlags } from '../../src/cli/common.js';
import { FIXTURES, matchSnapshot } from '../helpers/snapshot.js';

const lesson = parseLesson(
  readFileSync(join(FIXTURES, 'lessons', 'minimal.md'), 'utf8'),
  'minimal.md',
).lesson;

test('the plan resolves templates, keeps shell variables, and applies component defaults', () => {
  const plan = buildPlan(lesson, { workdir: '/w', asRoot: true });
  assert.equal(plan.steps[0]?.command, 'echo "hello ${USER} from /w"');
  assert.equal(plan.steps[1]?.command, 'etcd --version 3.4.23');
  assert.equal(plan.steps[1]?.session, 'etcd');
  assert.equal(plan.steps[1]?.component, 'etcd');
  assert.deepEqual(
    plan.steps.map((s) => s.name),
    ['hello', 'etcd', 'fails', 'bridge-only'],
  );
});

test('when= follows the options, and --set changes them', () => {
  const calico = buildPlan(lesson, { workdir: '/w', options: { network: 'calico' } });
  assert.deepEqual(
    calico.steps.map((s) => s.name),
    ['hello', 'etcd', 'fails'],
  );
  assert.throws(() => buildPlan(lesson, { workdir: '/w', options: { network: 'weave' } }), UsageError);
  assert.throws(() => buildPlan(lesson, { workdir: '/w', options: { nope: 'x' } }), /no option 'nope'/);
});

test('--from and --to select chapters by id or number', () => {
  assert.deepEqual(
    buildPlan(lesson, { workdir: '/w', from: 'start-etcd' }).steps.map((s) => s.name),
    ['etcd', 'fails', 'bridge-only'],
  );
  assert.deepEqual(
    buildPlan(lesson, { workdir: '/w', to: '1' }).steps.map((s) => s.name),
    ['hello'],
  );
  assert.throws(() => buildPlan(lesson, { workdir: '/w', from: 'nope' }), /no chapter 'nope'/);
  assert.throws(() => buildPlan(lesson, { workdir: '/w', from: '2', to: '1' }), /comes before/);
});

test('sudo is typed only when not root', () => {
  const text = '---\nid: s\ntitle: S\n---\n## A\n```bash { name=a sudo }\niptables -S\n```\n';
  const l = parseLesson(text, 's.md').lesson;
  assert.equal(buildPlan(l, { workdir: '/w', asRoot: true }).steps[0]?.command, 'iptables -S');
  assert.equal(
    buildPlan(l, { workdir: '/w', asRoot: false }).steps[0]?.command,
    'sudo env "PATH=$PATH" iptables -S',
  );
});

test('a component probe with a template port is parsed again once resolved', () => {
  const plan = buildPlan(lesson, { workdir: '/w' });
  const text =
    '---\nid: p\ntitle: P\nvars: { port: "2400" }\ncomponents:\n  etcd: { ready: "tcp:127.0.0.1:${vars.port}" }\n---\n## A\n```bash { name=e session=etcd }\netcd\n```\n';
  const p = buildPlan(parseLesson(text, 'p.md').lesson, { workdir: '/w' });
  assert.deepEqual(p.steps[0]?.ready[0], {
    kind: 'tcp',
    host: '127.0.0.1',
    port: 2400,
    raw: 'tcp:127.0.0.1:2400',
  });
  assert.equal(plan.steps[1]?.ready[0]?.kind, 'log');
});

test('plan --json snapshot of the minimal fixture', async () => {
  let out = '';
  const code = await main(
    ['plan', join(FIXTURES, 'lessons', 'minimal.md'), '--json', '--workdir', '/WORKDIR'],
    {
      stdout: (t) => void (out += t),
      stderr: () => undefined,
      isTTY: false,
    },
  );
  assert.equal(code, 0);
  const json = JSON.parse(out) as { schema: string; lessonFile: string };
  assert.equal(json.schema, 'demystify.plan/v1');
  json.lessonFile = 'minimal.md';
  matchSnapshot('plan-minimal.json', `${JSON.stringify(json, null, 2)}\n`);
});

test('chapter ids that are numbers: an id wins over a position, and lint warns', () => {
  const text =
    '---\nid: n\ntitle: N\n---\n## Three {#3}\n```bash { name=c }\nc\n```\n## One {#1}\n```bash { name=a }\na\n```\n## Two {#2}\n```bash { name=b }\nb\n```\n## Four\n```bash { name=d }\nd\n```\n';
  const { lesson, diagnostics, ok } = parseLesson(text, 'n.md');
  assert.ok(ok);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, d.line]),
    [
      ['numeric-chapter-id', 'warning', 5],
      ['numeric-chapter-id', 'warning', 9],
      ['numeric-chapter-id', 'warning', 13],
    ],
  );
  const names = (from?: string, to?: string): string[] =>
    buildPlan(lesson, {
      workdir: '/w',
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    }).steps.map((s) => s.name);
  assert.deepEqual(findChapterIndex(lesson, '1'), 1);
  assert.deepEqual(names('1'), ['a', 'b', 'd']);
  assert.deepEqual(names('2', '2'), ['b']);
  assert.deepEqual(names(undefined, '3'), ['c']);
  // No chapter has the id '4': the number is a position.
  assert.deepEqual(names('4'), ['d']);
  assert.deepEqual(findChapterIndex(lesson, 'four'), 3);
});

test('--set and --pin keep every name as an own key, so __proto__ is refused, not dropped', () => {
  const set = parseSetFlags(['__proto__=x', 'network=bridge']);
  assert.deepEqual(Object.keys(set), ['__proto__', 'network']);
  assert.deepEqual(Object.keys(parsePins(['__proto__=1.0'])), ['__proto__']);
  assert.throws(() => buildPlan(lesson, { workdir: '/w', options: set }), /has no option '__proto__'/);
});

test('setupFlags checks --set and --pin against the lesson, for run, the presenter and learner mode alike', () => {
  assert.deepEqual(setupFlags(lesson, { pin: ['etcd=3.4.22'] }), { options: {}, pins: { etcd: '3.4.22' } });
  assert.throws(() => setupFlags(lesson, { pin: ['nope=1.0'] }), /names no version/);
  assert.throws(() => setupFlags(lesson, { set: ['nope=x'] }), /has no option 'nope'/);
});
