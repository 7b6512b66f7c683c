#!/usr/bin/env node
// How long a step takes to type and end with `--typing instant` (headless runs, learners, every
// fast-forward): a one-line step, a long one-liner, and the built-in lesson's heredoc steps (their
// text copied from lessons/demystify-kubernetes.en.md, so the figure follows the lesson). Each round is
// a headless run of a small lesson through the real engine and tmux; the figure is the step's own
// duration (its outcome's durationMs: typing, the shell running it, the prompt marks seen).
// Prints numbers, asserts nothing. Needs a build (npm run build).
//   node scripts/bench-typing.mjs [ROUNDS]   (default 10)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rounds = Number(process.argv[2] ?? 10);
const { loadLesson } = await import(join(root, 'dist/src/adapters/lessons/lesson-files.js'));
const { openLessonEngine } = await import(join(root, 'dist/src/adapters/runtime/lesson-engine.js'));

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const fmt = (xs) =>
  `median ${quantile(xs, 0.5).toFixed(0).padStart(4)} ms, p95 ${quantile(xs, 0.95).toFixed(0).padStart(4)} ms`;

// The heredoc steps of the built-in lesson, as written (their `when=` dropped: every one runs here).
const source = readFileSync(join(root, 'lessons/demystify-kubernetes.en.md'), 'utf8');
const heredocs = [...source.matchAll(/^```bash \{ name=(write-[a-z-]+)[^}]*\}\n([\s\S]*?)\n```$/gm)].filter(
  (m) => m[2].includes('<<') && m[2].startsWith('cat >'),
);
const longOneLiner = `printf '%s\\n' ${Array.from({ length: 40 }, (_, i) => `"word-${i}"`).join(' ')} | wc -l`;
// The first step of a run also starts the shell (a run resets the machine): not measured.
const warmUp = ['warm-up', 'true'];
const steps = [
  ['one-line', 'echo hello'],
  ['long-one-line', longOneLiner],
  ...heredocs.map((m) => [m[1], m[2]]),
];
const dir = mkdtempSync(join(tmpdir(), 'dm-bench-typing-'));
const lessonFile = join(dir, 'lesson.md');
writeFileSync(
  lessonFile,
  `---\nid: bench-typing\ntitle: Bench typing\n---\n## Steps {#steps}\n` +
    [warmUp, ...steps]
      .map(([name, command]) => `\`\`\`bash { name=${name} }\n${command}\n\`\`\`\n`)
      .join('\n'),
);
const { engine, runtime, plan } = await openLessonEngine(await loadLesson(lessonFile), {
  workdir: join(dir, 'work'),
  typing: 'instant',
});
const durations = new Map(steps.map(([name]) => [name, []]));
engine.subscribe((_, e) => {
  if (e.type === 'step-finished') durations.get(plan.steps[e.step].name)?.push(e.outcome.durationMs);
});
try {
  for (let r = 0; r < rounds; r++) {
    engine.dispatch({ type: 'run', headless: true });
    const result = await engine.whenIdle();
    if (result?.kind !== 'ok') throw new Error(`run failed: ${JSON.stringify(result)} (kept ${dir})`);
  }
  await engine.flush();
} finally {
  await runtime.cleanup();
}
for (const [name, command] of steps) {
  const lines = command.split('\n').length;
  console.log(`${name.padEnd(24)} ${String(lines).padStart(3)} lines  ${fmt(durations.get(name))}`);
}
rmSync(dir, { recursive: true, force: true });
