import { diagnosticAt, sourceText, type LessonDiagnostic, type SourceText } from './diagnostics.js';
import { hasOwnKey, own } from './own.js';
import type { Chapter, Lesson, SourcePos, Step } from './model.js';
import { conditionProblem } from './conditions.js';
import { findTemplates, TEMPLATE_NAMESPACES } from './templates.js';

/** Structural checks every lesson must pass: ids, names, sessions, options and templates. Pure. */
export function validateLesson(lesson: Lesson, text: string | SourceText): LessonDiagnostic[] {
  const source = typeof text === 'string' ? sourceText(text) : text;
  const out: LessonDiagnostic[] = [];
  const report = (pos: SourcePos, code: string, message: string, length?: number): void => {
    out.push(diagnosticAt(source, pos, code, message, length === undefined ? {} : { length }));
  };
  const chapterIds = new Map<string, SourcePos>();
  const stepNames = new Map<string, SourcePos>();
  if (lesson.chapters.length === 0) {
    report(
      { file: lesson.file, line: 1, column: 1 },
      'no-chapters',
      `the lesson has no chapter (headings of level ${lesson.chapterLevel})`,
    );
  }
  for (const chapter of lesson.chapters) {
    const seen = chapterIds.get(chapter.id);
    if (seen)
      report(
        chapter.pos,
        'duplicate-chapter',
        `chapter id '${chapter.id}' is already used at line ${seen.line}`,
      );
    else chapterIds.set(chapter.id, chapter.pos);
    if (/^\d+$/.test(chapter.id)) out.push(numericChapterId(lesson, chapter, source));
    for (const step of chapter.steps) {
      const prior = stepNames.get(step.name);
      if (prior)
        report(step.pos, 'duplicate-step', `step name '${step.name}' is already used at line ${prior.line}`);
      else stepNames.set(step.name, step.pos);
      checkStep(lesson, step, source, report);
    }
  }
  return out;
}

type Report = (pos: SourcePos, code: string, message: string, length?: number) => void;

/**
 * A chapter id that is a number is ambiguous where chapters are named by id or 1-based position
 * (`--from`, `--to`, `replay`): the id wins, so with `{#3}{#1}{#2}`, `--from 1` is the second chapter.
 */
function numericChapterId(lesson: Lesson, chapter: Chapter, source: SourceText): LessonDiagnostic {
  const index = lesson.chapters.indexOf(chapter);
  const line = source.lines[chapter.pos.line - 1] ?? '';
  const explicit = line.lastIndexOf(`{#${chapter.id}}`);
  const position = Number(chapter.id);
  const other = lesson.chapters[position - 1];
  const instead =
    other && other !== chapter
      ? `, not the chapter at position ${position} ('${other.id}')`
      : index + 1 === position
        ? ' (its position too, until a chapter is added before it)'
        : '';
  return diagnosticAt(
    source,
    explicit === -1 ? chapter.pos : { ...chapter.pos, column: explicit + 1 },
    'numeric-chapter-id',
    `chapter id '${chapter.id}' is a number: --from, --to and replay take ids before positions, so '${chapter.id}' names this chapter${instead}; give it a word, e.g. {#part-${chapter.id}}`,
    { severity: 'warning', length: explicit === -1 ? 1 : chapter.id.length + 3 },
  );
}

/** The place of an attribute in a step's fence line (the fence itself when not found). */
function attributePos(step: Step, key: string, source: SourceText): SourcePos {
  const line = source.lines[step.pos.line - 1] ?? '';
  const at = line.search(new RegExp(`[{\\s,"]${key}["]?\\s*[=:]`));
  return at === -1 ? step.pos : { ...step.pos, column: at + 2 };
}

function checkStep(lesson: Lesson, step: Step, source: SourceText, report: Report): void {
  if (step.session !== undefined && !own(lesson.components, step.session)) {
    const known = Object.keys(lesson.components);
    report(
      attributePos(step, 'session', source),
      'unknown-session',
      `session '${step.session}' names no component${known.length ? ` (known: ${known.join(', ')})` : ' (the front matter declares none)'}`,
    );
  }
  if (step.when) {
    for (const condition of step.when) {
      const problem = conditionProblem(lesson.options, condition);
      if (problem) report(attributePos(step, 'when', source), 'unknown-option', `when: ${problem}`);
    }
  }
  // The code starts on the line after the fence; templates are reported where they stand.
  const codeLines = step.code.split('\n');
  codeLines.forEach((line, i) => {
    for (const use of findTemplates(line)) {
      const problem = templateProblem(lesson, use.namespace, use.key);
      if (problem)
        report(
          { file: step.pos.file, line: step.pos.line + 1 + i, column: use.offset + 1 },
          'unknown-template',
          problem,
          use.raw.length,
        );
    }
  });
  for (const probe of step.ready) {
    for (const use of findTemplates(probe.raw)) {
      const problem = templateProblem(lesson, use.namespace, use.key);
      if (problem) report(step.pos, 'unknown-template', `in ready probe: ${problem}`);
    }
  }
  for (const use of findTemplates(step.expect.output?.pattern ?? '')) {
    const problem = templateProblem(lesson, use.namespace, use.key);
    if (problem) report(attributePos(step, 'expect', source), 'unknown-template', `in expect: ${problem}`);
  }
}

/** Why a template resolves to nothing, or undefined when it resolves. */
export function templateProblem(lesson: Lesson, namespace: string, key: string): string | undefined {
  const allowed = own(TEMPLATE_NAMESPACES, namespace);
  if (!allowed)
    return `unknown template namespace '${namespace}' in \${${namespace}.${key}} (known: ${Object.keys(TEMPLATE_NAMESPACES).join(', ')})`;
  if (allowed === 'lesson-map') {
    const map =
      namespace === 'versions' ? lesson.versions : namespace === 'vars' ? lesson.vars : lesson.options;
    return hasOwnKey(map, key)
      ? undefined
      : `\${${namespace}.${key}} resolves to nothing: the front matter's '${namespace}' has no '${key}'`;
  }
  return allowed.includes(key)
    ? undefined
    : `\${${namespace}.${key}} resolves to nothing (known: ${allowed.map((k) => `${namespace}.${k}`).join(', ')})`;
}
