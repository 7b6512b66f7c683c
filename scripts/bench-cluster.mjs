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
  const events = [...timings.events, ...timings.rest];
  // The lesson: from etcd's start to four replicas behind the Service (the scale step's rollout).
  const lesson = span(events, 'start-etcd', 'scaled-rollout');
  // The floor: each component's own start-up (its process start to its readiness, the controller manager's
  // until the Pods exist, the kubelet's until the node is registered), plus what the cluster itself takes
  // once they run: the node turning Ready, the Pods Running, the scaled Pods and their rules.
  const components = Object.values(timings.startups).reduce((a, b) => a + b, 0);
  const cluster = ['write-bridge-conflist', 'pods-ready', 'scaled-rollout'].reduce(
    (sum, step) => sum + stepSeconds(events, step),
    0,
  );
  rows.push({ lesson, floor: components + cluster, components, cluster, timings });
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
    `run ${i + 1}: lesson ${r.lesson.toFixed(1)} s, floor ${r.floor.toFixed(1)} s ` +
      `(components ${r.components.toFixed(1)} + cluster ${r.cluster.toFixed(1)}), ratio ${(r.lesson / r.floor).toFixed(2)}`,
  );
}
console.log(`median ratio over ${runs} run(s): ${median(rows.map((r) => r.lesson / r.floor)).toFixed(2)}`);
rmSync(dir, { recursive: true, force: true });
