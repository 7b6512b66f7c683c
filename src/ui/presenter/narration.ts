import type { EngineState } from '../../engine/machine.js';
import type { Lesson } from '../../lesson/model.js';
import { renderMarkdown } from '../text/markdown.js';
import { hardWrap, renderStepBox } from './step-box.js';
import { EN, type Words } from './i18n.js';
import type { Theme } from './theme.js';
import { chapterDone } from './ui-state.js';

/** A chapter as lines, and where each of its steps is among them (for scrolling to the current one). */
export interface NarrationText {
  lines: string[];
  /** Step index (in the plan) → first and last line of its box. */
  steps: Map<number, { start: number; end: number }>;
  /** The chapter is done and the speaker has not moved on: the narration ends with a line that says so. */
  done?: boolean;
  /** Nothing of the chapter has run and the cursor is on its first step: it opens at its top. */
  fresh?: boolean;
}

/** Lines of an expected output shown under a step, at most; the rest is summarised. */
const OUTPUT_LINES = 6;

/**
 * The narration of the chapter the engine shows, `width` columns wide: its title, its Markdown, its
 * steps as boxes with their state, the current step highlighted, expected outputs dimmed. The lesson's
 * introduction opens the first chapter. Steps the plan left out (`when=` another option) are not shown.
 */
export function renderNarration(
  lesson: Lesson,
  engine: EngineState,
  options: { width: number; theme: Theme; now: number; nextKey?: string; words?: Words },
): NarrationText {
  const { theme, now } = options;
  const words = options.words ?? EN;
  const width = Math.max(16, options.width);
  const plan = engine.plan;
  const planChapter = plan.chapters[engine.chapter];
  const chapter = lesson.chapters.find((c) => c.id === planChapter?.id);
  const lines: string[] = [];
  const steps = new Map<number, { start: number; end: number }>();
  const byName = new Map(plan.steps.map((s) => [s.name, s]));
  if (engine.chapter === 0 && lesson.intro) {
    lines.push(...renderMarkdown(lesson.intro, width, theme), '');
  }
  const number = `${engine.chapter + 1}/${plan.chapters.length}`;
  for (const line of hardWrap(`${number}  ${planChapter?.title ?? chapter?.title ?? ''}`, width, 0)) {
    lines.push(theme.chapterTitle(line));
  }
  lines.push('');
  if (!chapter) return { lines, steps };
  for (const block of chapter.blocks) {
    switch (block.kind) {
      case 'narration': {
        const md = renderMarkdown(block.markdown, width, theme);
        if (md.length > 0) lines.push(...md, '');
        break;
      }
      case 'step': {
        const step = byName.get(block.step);
        const state = step ? engine.steps[step.index] : undefined;
        if (!step || !state) break;
        const start = lines.length;
        const box = renderStepBox(step, state, {
          current: step.index === engine.cursor,
          width,
          theme,
          now,
          shellSession: plan.shellSession,
          words,
        });
        lines.push(...box);
        steps.set(step.index, { start, end: lines.length - 1 });
        lines.push('');
        break;
      }
      case 'output': {
        if (!byName.has(block.step)) break;
        const text = block.text.replace(/\n+$/, '').split('\n');
        const shown = text.slice(0, OUTPUT_LINES);
        if (lines[lines.length - 1] === '') lines.pop();
        for (const line of shown)
          for (const piece of hardWrap(line, width - 2, 0)) lines.push(theme.dim(`  ${piece}`));
        if (text.length > shown.length)
          lines.push(theme.dim(`  ${words.moreLines(text.length - shown.length)}`));
        lines.push('');
        break;
      }
      case 'notes':
        // Speaker notes have their own area, shown on demand: the audience never sees them by accident.
        break;
    }
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const done = chapterDone(engine);
  if (done) {
    const next = plan.chapters[engine.chapter + 1];
    const text = next
      ? words.chapterDoneLine(
          options.nextKey ?? 'N',
          `${engine.chapter + 2}/${plan.chapters.length} ${next.title}`,
        )
      : words.lessonEnd;
    lines.push('', ...hardWrap(text, width, 2).map((l) => theme.ok(l)));
  }
  const ids = [...steps.keys()];
  const fresh =
    ids.length > 0 &&
    engine.cursor === Math.min(...ids) &&
    ids.every((i) => engine.steps[i]?.status === 'pending');
  return { lines, steps, done, fresh };
}

/**
 * The first line to show: the top of a chapter not started yet, the end of a finished one, else the
 * current step in view (the whole chapter from the top when it fits, else the step's box a third of the
 * way down, the narration just above it still readable).
 */
export function autoScroll(text: NarrationText, cursor: number, height: number): number {
  const max = Math.max(0, text.lines.length - height);
  // A finished chapter shows its end: the last step, its output, and the line that says what is next.
  if (text.done) return max;
  // A chapter not started yet opens at its top: its title and narration come before its first step.
  if (text.fresh) return 0;
  const box = text.steps.get(cursor);
  if (!box || text.lines.length <= height) return 0;
  if (box.end < height) return 0;
  const wanted = box.start - Math.floor(height / 3);
  // A box taller than the pane shows from its top.
  return Math.max(0, Math.min(max, box.end - wanted >= height ? box.start : wanted));
}
