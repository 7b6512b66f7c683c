#!/usr/bin/env node
// The built-in lesson on the real Kubernetes test binaries, headless, from zero to four replicas: seconds per
// chapter against the components' own start-up measured in the same run, and the ratio. It runs the
// real-cluster test (test/integration/lesson-cluster.test.ts), which writes its timings when asked.
// Usage: node scripts/bench-cluster.mjs [RUNS]   (after npm run build; root; ../shared/kubernetes present)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'dm-bench-cluster-'));

/** Wall seconds from a step's start to a step's end, by name, in one run's events. */
function span(events, fromStep, toStep) {
  const start = events.find((e) => e.event === 'step-started' && e.step === fromStep)?.at;
  const end = events.findLast((e) => e.event === 'step-finished' && e.step === toStep)?.at;
  return start && end ? (end - start) / 1000 : NaN;
}

/** Seconds a step took (its own duration, readiness included). */
function stepSeconds(events, step) {
  const e = events.find((x) => x.event === 'step-finished' && x.step === step);
  return e?.outcome?.durationMs ? e.outcome.durationMs / 1000 : 0;
}

// The lesson's checks (steps marked `check`): what a hand-made run leaves out, shown apart.
const plan = JSON.parse(
  spawnSync(
    process.execPath,
    [
      'dist/src/cli/bin.js',
      'plan',
      'lessons/demystify-kubernetes.en.md',
      '--json',
      '--set',
      'runtime=system',
      '--set',
      'ingress=none',
    ],
    { cwd: root, encoding: 'utf8' },
  ).stdout,
);
const checkSteps = plan.steps.filter((s) => s.check).map((s) => s.name);

const rows = [];
for (let i = 0; i < runs; i++) {
  const file = join(dir, `timings-${i}.json`);
  const result = spawnSync(process.execPath, ['--test', 'dist/test/integration/lesson-cluster.test.js'], {
    cwd: root,
    env: { ...process.env, DEMYSTIFY_CLUSTER_TIMINGS: file },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.error(result.stdout.slice(-4000), result.stderr.slice(-2000));
    process.exit(1);
  }
  const timings = JSON.parse(readFileSync(file, 'utf8'));
  const first = timings.events;
  // The lesson: from etcd's start to the Service answering (the straight run), then the iptables chapter
  // up to four replicas with their rules (the run after the replay).
  const toService = span(first, 'start-etcd', 'curl-service');
  const lesson = toService + span(timings.rest, 'kube-services', 'scaled-rollout');
  // The floor: each component's own start-up (its process start to its readiness, the controller manager's
  // until the Pods exist, the kubelet's until the node is registered), plus what the cluster itself takes
  // once they run: the node turning Ready, the Pods Running; to four replicas, the scaled Pods and rules.
  const components = Object.values(timings.startups).reduce((a, b) => a + b, 0);
  const seconds = (events, steps) => steps.reduce((sum, step) => sum + stepSeconds(events, step), 0);
  const clusterToService = seconds(first, ['write-bridge-conflist', 'pods-ready']);
  const cluster = clusterToService + seconds(timings.rest, ['scaled-rollout']);
  // demystify's own share, between steps: from one step's end to the next one's start.
  const gaps = (events, from, to) => {
    const a = events.findIndex((e) => e.event === 'step-started' && e.step === from);
    const b = events.findLastIndex((e) => e.event === 'step-finished' && e.step === to);
    let sum = 0;
    for (let i = a; i < b; i++)
      if (events[i].event === 'step-finished' && events[i + 1]?.event === 'step-started')
        sum += events[i + 1].at - events[i].at;
    return sum / 1000;
  };
  const between =
    gaps(first, 'start-etcd', 'curl-service') + gaps(timings.rest, 'kube-services', 'scaled-rollout');
  const within = (events, from, to) =>
    events.slice(
      events.findIndex((e) => e.step === from),
      events.findLastIndex((e) => e.step === to) + 1,
    );
  const checks =
    seconds(within(first, 'start-etcd', 'curl-service'), checkSteps) +
    seconds(within(timings.rest, 'kube-services', 'scaled-rollout'), checkSteps);
  rows.push({
    checks,
    between,
    toService,
    floorToService: components + clusterToService,
    lesson,
    floor: components + cluster,
    components,
    cluster,
    timings,
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const last = rows.at(-1).timings;
console.log('chapter              seconds (last run)');
for (const [chapter, seconds] of last.chapters)
  console.log(`${chapter.padEnd(20)} ${seconds.toFixed(1).padStart(7)}`);
console.log('\ncomponent            own start-up (last run)');
for (const [name, seconds] of Object.entries(last.startups))
  console.log(`${name.padEnd(20)} ${seconds.toFixed(1).padStart(7)}`);
for (const [i, r] of rows.entries()) {
  console.log(
    `run ${i + 1}: etcd to the Service answering ${r.toService.toFixed(1)} s against ${r.floorToService.toFixed(1)} s ` +
      `(ratio ${(r.toService / r.floorToService).toFixed(2)}); to four replicas ${r.lesson.toFixed(1)} s against ` +
      `${r.floor.toFixed(1)} s (components ${r.components.toFixed(1)} + cluster ${r.cluster.toFixed(1)}; ` +
      `ratio ${(r.lesson / r.floor).toFixed(2)})`,
  );
}
for (const [i, r] of rows.entries())
  console.log(
    `run ${i + 1}: between steps (the engine's own time) ${r.between.toFixed(2)} s in all; the lesson's ` +
      `checks ${r.checks.toFixed(1)} s; without them, to four replicas ${(r.lesson - r.checks).toFixed(1)} s ` +
      `(ratio ${((r.lesson - r.checks) / r.floor).toFixed(2)})`,
  );
const ratios = (key, floor) => median(rows.map((r) => r[key] / r[floor])).toFixed(2);
console.log(
  `median over ${runs} run(s): to the Service ${ratios('toService', 'floorToService')}, ` +
    `to four replicas ${ratios('lesson', 'floor')}`,
);
rmSync(dir, { recursive: true, force: true });
