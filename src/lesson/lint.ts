import { messageOf } from '../errors.js';
import { diagnosticAt, sortDiagnostics, sourceText, type LessonDiagnostic } from './diagnostics.js';
import type { Lesson, SourcePos, Step } from './model.js';
import { lessonTemplateContext, resolveTemplates } from './templates.js';

/** What a lint rule sees: the parsed lesson, its source, and a template resolver. */
export interface LintContext {
  lesson: Lesson;
  source: string;
  /** Resolve templates as a plan would (work directory shown as `$WORKDIR`). */
  resolve: (text: string) => string;
  /** Every step of the lesson, in order, with its chapter's index. */
  steps: { step: Step; chapterIndex: number }[];
  /** Make a diagnostic at a place, with the source line for the caret. */
  report: (
    pos: SourcePos,
    message: string,
    options?: { severity?: 'error' | 'warning'; length?: number },
  ) => LessonDiagnostic;
}

/** A lint rule: a named, pure check of a whole lesson. */
export interface LintRule {
  /** Stable id, shown after each message (e.g. `removed-flag`). */
  id: string;
  description: string;
  check: (context: LintContext) => LessonDiagnostic[];
}

/**
 * Run rules over a parsed lesson; their diagnostics come sorted by place. `text` is the lesson's text as
 * read (a byte order mark and `\r\n` are dropped here, as the parser does); a rule that throws is
 * reported as a diagnostic of its own, not thrown.
 */
export function lintLesson(lesson: Lesson, text: string, rules: readonly LintRule[]): LessonDiagnostic[] {
  const indexed = sourceText(text);
  const source = indexed.text;
  const options = Object.fromEntries(Object.values(lesson.options).map((o) => [o.name, o.default]));
  // The plan's values are not known here: the work directory stays a visible placeholder.
  const context = lessonTemplateContext(lesson, { workdir: '$WORKDIR', options });
  const steps = lesson.chapters.flatMap((chapter, chapterIndex) =>
    chapter.steps.map((step) => ({ step, chapterIndex })),
  );
  const out: LessonDiagnostic[] = [];
  for (const rule of rules) {
    const lintContext: LintContext = {
      lesson,
      source,
      resolve: (text) => resolveTemplates(text, context),
      steps,
      report: (pos, message, options = {}) => diagnosticAt(indexed, pos, rule.id, message, options),
    };
    try {
      out.push(...rule.check(lintContext));
    } catch (error) {
      out.push(
        diagnosticAt(
          indexed,
          { file: lesson.file, line: 1, column: 1 },
          rule.id,
          `lint rule '${rule.id}' failed on this lesson: ${messageOf(error)} (a bug in demystify: please report it)`,
          { severity: 'warning' },
        ),
      );
    }
  }
  return sortDiagnostics(out);
}
