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

/**
 * A lesson's text as every position refers to it: a leading UTF-8 byte order mark removed (editors do not
 * show it, and `---` must be the first thing a lesson holds), `\r\n` and lone `\r` line ends made `\n`.
 */
export function normalizeSource(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * A lesson's text with its lines split once: a diagnostic takes its source line from here in constant
 * time (splitting the whole text for each one made lint quadratic in the number of diagnostics).
 */
export interface SourceText {
  /** The normalized text (see {@link normalizeSource}). */
  readonly text: string;
  readonly lines: readonly string[];
}

/** Index a lesson's text (normalized first; a text already normalized is unchanged). */
export function sourceText(text: string): SourceText {
  const normalized = normalizeSource(text);
  return { text: normalized, lines: normalized.split('\n') };
}

// The last text indexed for a caller that passes a plain string, so that a run of diagnostics on the same
// text splits it once.
let lastIndexed: SourceText | undefined;
let lastRaw: string | undefined;

function indexed(source: string | SourceText): SourceText {
  if (typeof source !== 'string') return source;
  if (lastRaw !== source || !lastIndexed) {
    lastIndexed = sourceText(source);
    lastRaw = source;
  }
  return lastIndexed;
}

/**
 * Build a diagnostic at a position, taking the source line from the lesson text (a NUL shows as `␀`, so
 * that the line prints and the caret stays under its column).
 */
export function diagnosticAt(
  source: string | SourceText,
  pos: SourcePos,
  code: string,
  message: string,
  options: { severity?: 'error' | 'warning'; length?: number } = {},
): LessonDiagnostic {
  const line = indexed(source).lines[pos.line - 1];
  const sourceLine = line?.replace(/\0/g, '\u2400');
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
  return [...list].sort(
    (a, b) =>
      (a.file === b.file ? 0 : a.file.localeCompare(b.file)) || a.line - b.line || a.column - b.column,
  );
}
