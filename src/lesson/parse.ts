import { Lexer, type Token } from 'marked';
import { parseInfoString } from './attributes.js';
import { diagnosticAt, sortDiagnostics, sourceText, type LessonDiagnostic } from './diagnostics.js';
import { parseFrontMatter } from './front-matter.js';
import { parseHeading } from './heading-attributes.js';
import type { Chapter, ChapterBlock, Lesson, SourcePos, Step } from './model.js';
import { buildStepFields } from './steps.js';
import { parseHintComment } from './hints.js';
import { validateLesson } from './validate.js';

/** What parsing a lesson gives: the lesson (best effort, even when invalid) and every problem found. */
export interface ParseResult {
  lesson: Lesson;
  diagnostics: LessonDiagnostic[];
  /** True when no diagnostic is an error. */
  ok: boolean;
}

/**
 * Parse a lesson's text. Pure: no file system, no process. Every problem is collected as a diagnostic
 * with file:line:column; nothing is thrown for any input. Positions are those of the text as an editor
 * shows it: a leading byte order mark is dropped, line ends are `\n` (see `normalizeSource`).
 */
export function parseLesson(text: string, file: string): ParseResult {
  const indexed = sourceText(text);
  const source = indexed.text;
  const { header, diagnostics, bodyOffset } = parseFrontMatter(indexed, file);
  const lineStarts: number[] = [];
  let start = 0;
  for (const line of indexed.lines) {
    lineStarts.push(start);
    start += line.length + 1;
  }
  const posOf = (offset: number): SourcePos => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
  const report = (pos: SourcePos, code: string, message: string, length?: number): void => {
    diagnostics.push(diagnosticAt(indexed, pos, code, message, length === undefined ? {} : { length }));
  };
  nulBytes(indexed.lines, file, report);

  const body = source.slice(bodyOffset);
  let tokens: Token[] = [];
  try {
    tokens = new Lexer().lex(body);
  } catch (error) {
    report(posOf(bodyOffset), 'markdown', `cannot read the Markdown: ${(error as Error).message}`);
  }
  const chapters: Chapter[] = [];
  let chapter: Chapter | undefined;
  let intro = '';
  let lastWasStep: Step | undefined;
  // The step that speaker notes coming now belong to: set by a step or its expected output.
  let notesOwner: Step | undefined;
  let cursor = 0;
  const pushBlock = (block: ChapterBlock): void => {
    if (!chapter) return;
    const last = chapter.blocks[chapter.blocks.length - 1];
    if (block.kind === 'narration' && last?.kind === 'narration') last.markdown += block.markdown;
    else chapter.blocks.push(block);
  };

  for (const token of tokens) {
    const raw = token.raw;
    const found = body.indexOf(raw, cursor);
    const offset = found === -1 ? cursor : found;
    cursor = offset + raw.length;
    const pos = posOf(bodyOffset + offset);
    if (token.type === 'space') {
      // Blank lines belong to the narration before them (the introduction's too: they separate its
      // paragraphs and lists); alone they are no block.
      const last = chapter?.blocks[chapter.blocks.length - 1];
      if (last?.kind === 'narration') last.markdown += raw;
      else if (!chapter) intro += raw;
      continue;
    }
    if (token.type === 'heading' && token.depth === header.chapterLevel) {
      const { title, id, budgetMs, problems } = parseHeading(token.text);
      const textColumn = pos.column + Math.max(0, raw.indexOf(token.text));
      for (const p of problems)
        report({ ...pos, column: textColumn + p.offset }, 'bad-attributes', p.message);
      chapter = { id: id ?? slugify(title), title, blocks: [], steps: [], notes: [], pos };
      if (budgetMs !== undefined) chapter.budgetMs = budgetMs;
      if (!chapter.id)
        report(pos, 'chapter-id', `chapter '${title}' has no usable id: add {#some-id} to its heading`);
      chapters.push(chapter);
      lastWasStep = undefined;
      notesOwner = undefined;
      continue;
    }
    const step = lastWasStep;
    const owner = notesOwner;
    lastWasStep = undefined;
    notesOwner = undefined;
    if (token.type === 'code' && /^\s{0,3}(`{3,}|~{3,})/.test(raw)) {
      const fence = /^(\s*)(`{3,}|~{3,})([^\n]*)/.exec(raw);
      const info = fence?.[3] ?? '';
      const infoColumn = (fence?.[1]?.length ?? 0) + (fence?.[2]?.length ?? 0);
      const parsed = parseInfoString(info);
      // A Markdown sample may show headings and fences: only a sample never closed is reported.
      const sample = !parsed.hasAttributes && /^(markdown|md)$/i.test(parsed.lang);
      const open = openFence(raw, fence?.[2] ?? '```', header.chapterLevel, sample);
      if (open) {
        if (open.heading !== undefined) {
          const line = pos.line + open.heading.line;
          report(
            { file, line, column: open.heading.column },
            'unclosed-fence',
            `the code block opened at line ${pos.line} is still open at this heading: the heading and what follows it would be ${parsed.hasAttributes ? 'typed into the shell as part of the step' : 'shown as code'}; close the block (${fence?.[2] ?? '```'}) before the heading`,
          );
        } else {
          diagnostics.push(
            diagnosticAt(
              indexed,
              pos,
              'unclosed-fence',
              `this code block is never closed: it runs to the end of the file; close it with ${fence?.[2] ?? '```'}`,
              { severity: 'warning', length: fence?.[2]?.length ?? 3 },
            ),
          );
        }
      }
      if (parsed.hasAttributes) {
        const at = (offsetInInfo: number): SourcePos => ({
          ...pos,
          column: pos.column + infoColumn + offsetInInfo,
        });
        for (const p of parsed.problems) report(at(p.offset), 'bad-attributes', p.message);
        const { fields, problems } = buildStepFields(parsed.entries);
        for (const p of problems) report(at(p.entry?.offset ?? 0), p.code, p.message, p.entry?.key.length);
        if (!chapter) {
          report(
            pos,
            'step-outside-chapter',
            `a step must come after a chapter heading (level ${header.chapterLevel})`,
          );
          continue;
        }
        const created: Step = {
          ...fields,
          name: fields.name ?? `${chapter.id}-${chapter.steps.length + 1}`,
          chapterId: chapter.id,
          code: token.text,
          lang: parsed.lang,
          pos,
        };
        chapter.steps.push(created);
        pushBlock({ kind: 'step', step: created.name, pos });
        lastWasStep = notesOwner = created;
        continue;
      }
      if (step && info.trim() === '' && step.expectedOutput === undefined) {
        step.expectedOutput = token.text;
        pushBlock({ kind: 'output', step: step.name, text: token.text, pos });
        notesOwner = step;
        continue;
      }
    }
    if (token.type === 'html') {
      const hint = parseHintComment(raw);
      if (hint) {
        // A hint belongs to the step before it in its chapter (learner mode); narration never shows it.
        const owner = chapter?.steps[chapter.steps.length - 1];
        if ('error' in hint) report(pos, 'bad-hint', hint.error);
        else if (!owner) report(pos, 'bad-hint', 'a hint must come after a step of its chapter');
        else (owner.hints ??= []).push({ ...hint, pos });
        continue;
      }
      const note = /^\s*<!--\s*notes:\s*([\s\S]*?)\s*-->\s*$/.exec(raw);
      if (note) {
        const text = note[1] ?? '';
        if (chapter) {
          chapter.notes.push(text);
          // Right after a step (or its expected output, or its other notes): that step's notes.
          if (owner) (owner.notes ??= []).push(text);
          notesOwner = owner;
          pushBlock({ kind: 'notes', text, ...(owner ? { step: owner.name } : {}), pos });
        }
        continue;
      }
    }
    if (chapter) pushBlock({ kind: 'narration', markdown: raw, pos });
    else intro += raw;
  }
  for (const c of chapters) {
    const last = c.blocks[c.blocks.length - 1];
    if (last?.kind === 'narration') last.markdown = last.markdown.replace(/\s+$/, '\n');
    if (last?.kind === 'narration' && last.markdown.trim() === '') c.blocks.pop();
  }
  const lesson: Lesson = { ...header, file, chapters, ...(intro.trim() ? { intro: intro.trim() } : {}) };
  diagnostics.push(...validateLesson(lesson, indexed));
  const sorted = sortDiagnostics(diagnostics);
  return { lesson, diagnostics: sorted, ok: !sorted.some((d) => d.severity === 'error') };
}

/**
 * What is wrong with a fenced code block's extent, from its raw text: `heading` when a fence left open
 * swallowed the next chapter (the block holds a chapter heading, and either runs to the end of the file or
 * holds a later fence with an info string, the next step's, whose closing fence closed it by chance);
 * `{}` when it is never closed but holds no heading; undefined when it is fine. `heading` is the 0-based
 * line in the block and the 1-based column of the heading. A `## comment` in a closed block is no heading,
 * and a closed Markdown `sample` may hold anything.
 */
export function openFence(
  raw: string,
  opener: string,
  chapterLevel: number,
  sample = false,
): { heading?: { line: number; column: number } } | undefined {
  const lines = raw.replace(/\n+$/, '').split('\n');
  const last = lines.length > 1 ? (lines[lines.length - 1] ?? '') : '';
  const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(last)?.[1] ?? '';
  const closed = closing[0] === opener[0] && closing.length >= opener.length;
  const headingLine = new RegExp(`^( {0,3})#{${chapterLevel}}(?:[ \t]|$)`);
  let lastOpener = -1;
  lines.forEach((l, i) => {
    if (i > 0 && /^ {0,3}(`{3,}|~{3,})[ \t]*[^`~\s]/.test(l)) lastOpener = i;
  });
  for (let i = 1; i < lines.length; i++) {
    const m = headingLine.exec(lines[i] ?? '');
    if (m && (!closed || (i < lastOpener && !sample)))
      return { heading: { line: i, column: (m[1]?.length ?? 0) + 1 } };
  }
  return closed ? undefined : {};
}

/** A NUL byte in a lesson: a terminal cuts a command there, silently. Reported once per line. */
function nulBytes(
  lines: readonly string[],
  file: string,
  report: (pos: SourcePos, code: string, message: string) => void,
): void {
  lines.forEach((line, i) => {
    const at = line.indexOf('\0');
    if (at !== -1)
      report(
        { file, line: i + 1, column: at + 1 },
        'nul-byte',
        'a NUL byte (\\0) here: a terminal would cut the command at it and drop the rest; remove it',
      );
  });
}

/** A chapter's default id: its title in lower case, accents removed, words joined by hyphens. */
export function slugify(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-');
}
