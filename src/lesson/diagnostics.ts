import { DemystifyError } from '../errors.js';
import type { SourcePos } from './model.js';

/** One problem found in a lesson, with its place; all of them are collected before reporting. */
export interface LessonDiagnostic extends SourcePos {
  /** Stable identifier of the rule or check that found it (e.g. `unknown-attribute`). */
  code: string;
  message: string;
  severity: 'error' | 'warning';
  /** The offending line of the source, for the caret display. */
  sourceLine?: string;
  /** How many characters the caret underlines (default 1). */
  length?: number;
}

/** Thrown when a lesson cannot be used; carries every diagnostic found, not just the first. */
export class LessonError extends DemystifyError {
  readonly diagnostics: LessonDiagnostic[];

  constructor(diagnostics: LessonDiagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? diagnostics[0];
    const summary = first
      ? `${first.file}:${first.line}:${first.column}: ${first.message}`
      : 'invalid lesson';
    super('LESSON_INVALID', errors.length > 1 ? `${summary} (and ${errors.length - 1} more)` : summary, {
      exitCode: 1,
    });
    this.name = 'LessonError';
    this.diagnostics = diagnostics;
  }
}

/** Build a diagnostic at a position, taking the source line from the lesson text. */
export function diagnosticAt(
  source: string,
  pos: SourcePos,
  code: string,
  message: string,
  options: { severity?: 'error' | 'warning'; length?: number } = {},
): LessonDiagnostic {
  const sourceLine = source.split('\n')[pos.line - 1];
  return {
    ...pos,
    code,
    message,
    severity: options.severity ?? 'error',
    ...(sourceLine === undefined ? {} : { sourceLine }),
    ...(options.length === undefined ? {} : { length: options.length }),
  };
}

/** `file:line:column: message`, then the offending line and a caret under the column (as vhs prints). */
export function formatDiagnostic(d: LessonDiagnostic): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message} [${d.code}]`;
  if (d.sourceLine === undefined) return head;
  const gutter = `${String(d.line).padStart(4)} | `;
  const caretPad = ' '.repeat(gutter.length - 2) + '| ' + ' '.repeat(Math.max(0, d.column - 1));
  const caret = '^' + '~'.repeat(Math.max(0, (d.length ?? 1) - 1));
  return `${head}\n${gutter}${d.sourceLine}\n${caretPad}${caret}`;
}

/** Order diagnostics by file, line and column, so a report reads top to bottom. */
export function sortDiagnostics(list: LessonDiagnostic[]): LessonDiagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
