import { readLesson, resolveLessonPath } from '../../adapters/lessons/lesson-files.js';
import { diagnosticAt, formatDiagnostic, sortDiagnostics } from '../../lesson/diagnostics.js';
import { lintLesson } from '../../lesson/lint.js';
import { LINT_RULES } from '../../lesson/rules/index.js';
import type { CliIo } from '../context.js';
import { unverifiableSteps } from '../../engine/learner/checks.js';
import { buildPlan } from '../../engine/plan.js';

/** Lint a lesson: parser diagnostics, then every lint rule; exit 1 when any is an error. */
export async function runLint(
  ref: string | undefined,
  opts: { lang?: string; from?: string; to?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  const path = await resolveLessonPath(ref, opts.lang ? { lang: opts.lang } : {});
  const { lesson, diagnostics, source } = await readLesson(path);
  const all = [...diagnostics, ...lintLesson(lesson, source, LINT_RULES)];
  for (const [flag, chapter] of [
    ['--from', opts.from],
    ['--to', opts.to],
  ] as const) {
    if (
      chapter === undefined ||
      lesson.chapters.some((c, i) => c.id === chapter || String(i + 1) === chapter)
    )
      continue;
    all.push(
      diagnosticAt(
        source,
        { file: path, line: 1, column: 1 },
        'unknown-chapter',
        `${flag} '${chapter}' names no chapter (chapters: ${lesson.chapters.map((c) => c.id).join(', ')})`,
      ),
    );
  }
  const sorted = sortDiagnostics(all);
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.length - errors;
  // Learner mode: the steps nothing can check (a key marks them done), with the lesson's default options.
  const unverifiable =
    errors === 0
      ? unverifiableSteps(buildPlan(lesson, { workdir: '/WORKDIR' })).map(({ step, reason }) => ({
          step: step.name,
          reason,
        }))
      : [];
  if (opts.json) {
    const learner = { unverifiable };
    io.stdout(`${JSON.stringify({ file: path, errors, warnings, diagnostics: sorted, learner }, null, 2)}\n`);
  } else {
    for (const d of sorted) io.stdout(`${formatDiagnostic(d)}\n`);
    const steps = lesson.chapters.reduce((n, c) => n + c.steps.length, 0);
    io.stdout(
      errors === 0
        ? `${lesson.file}: ok (${lesson.chapters.length} chapters, ${steps} steps${warnings ? `, ${warnings} warnings` : ''})\n`
        : `${lesson.file}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warnings` : ''}\n`,
    );
    if (errors === 0) {
      io.stdout(`learner mode: ${unverifiable.length} step(s) cannot be verified\n`);
      for (const u of unverifiable) io.stdout(`  ${u.step}: ${u.reason}\n`);
    }
  }
  return errors === 0 ? 0 : 1;
}
