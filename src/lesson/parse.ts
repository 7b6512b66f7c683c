import { Lexer, type Token } from 'marked';
import { parseInfoString } from './attributes.js';
import { diagnosticAt, sortDiagnostics, type LessonDiagnostic } from './diagnostics.js';
import { parseFrontMatter } from './front-matter.js';
import type { Chapter, ChapterBlock, Lesson, SourcePos, Step } from './model.js';
import { buildStepFields } from './steps.js';
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
 * with file:line:column; nothing is thrown for any input.
 */
export function parseLesson(text: string, file: string): ParseResult {
  const source = text.replace(/\r\n?/g, '\n');
  const { header, diagnostics, bodyOffset } = parseFrontMatter(source, file);
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
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
    diagnostics.push(diagnosticAt(source, pos, code, message, length === undefined ? {} : { length }));
  };

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
      const { title, id } = headingTitle(token.text);
      chapter = { id: id ?? slugify(title), title, blocks: [], steps: [], notes: [], pos };
      if (!chapter.id)
        report(pos, 'chapter-id', `chapter '${title}' has no usable id: add {#some-id} to its heading`);
      chapters.push(chapter);
      lastWasStep = undefined;
      continue;
    }
    const step = lastWasStep;
    lastWasStep = undefined;
    if (token.type === 'code' && /^\s{0,3}(`{3,}|~{3,})/.test(raw)) {
      const fence = /^(\s*)(`{3,}|~{3,})([^\n]*)/.exec(raw);
      const info = fence?.[3] ?? '';
      const infoColumn = (fence?.[1]?.length ?? 0) + (fence?.[2]?.length ?? 0);
      const parsed = parseInfoString(info);
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
        lastWasStep = created;
        continue;
      }
      if (step && info.trim() === '' && step.expectedOutput === undefined) {
        step.expectedOutput = token.text;
        pushBlock({ kind: 'output', step: step.name, text: token.text, pos });
        continue;
      }
    }
    if (token.type === 'html') {
      const note = /^\s*<!--\s*notes:\s*([\s\S]*?)\s*-->\s*$/.exec(raw);
      if (note) {
        if (chapter) {
          chapter.notes.push(note[1] ?? '');
          pushBlock({ kind: 'notes', text: note[1] ?? '', pos });
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
  diagnostics.push(...validateLesson(lesson, source));
  const sorted = sortDiagnostics(diagnostics);
  return { lesson, diagnostics: sorted, ok: !sorted.some((d) => d.severity === 'error') };
}

/** A heading's display title and its explicit `{#id}`, if any. */
export function headingTitle(text: string): { title: string; id?: string } {
  const m = /\s*\{#([A-Za-z0-9][A-Za-z0-9._-]*)\}\s*$/.exec(text);
  const bare = (m ? text.slice(0, m.index) : text).replace(/[`*_]/g, '').trim();
  return m?.[1] ? { title: bare, id: m[1] } : { title: bare };
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
