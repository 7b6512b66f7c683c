import { chapterElapsedMs, talkElapsedMs } from '../../engine/talk-clock.js';
import { wrapPlain } from '../text/ansi-wrap.js';
import { fitAnsi, visibleWidth } from '../text/ansi.js';
import type { Theme } from '../presenter/theme.js';
import { budgetRow, componentRows, outlineRows, stepBadge, titledRule } from './speaker-rows.js';
import type { SpeakerSnapshot } from './speaker-snapshot.js';

/** What one frame of the speaker view is drawn from. */
export interface SpeakerFrameInput {
  /** The presenter's last snapshot (null: none yet). */
  snapshot: SpeakerSnapshot | null;
  /** Connected to a presenter now. */
  live: boolean;
  now: number;
  width: number;
  height: number;
  theme: Theme;
  /** How to open the presenter, said while there is none yet. */
  hint?: string;
  /** A short message (e.g. after a key), shown in the bottom bar. */
  message?: string;
}

/** The keys of the speaker view, as its bottom bar lists them. */
const SPEAKER_KEYS = 'q quits · T restarts the talk clock';

/**
 * The speaker view's screen, `height` lines of exactly `width` columns (styles as SGR escapes). Pure:
 * the same snapshot, time and size give the same lines. From the top: the bar (lesson, following or
 * waiting), the talk's and the chapter's clocks against their budgets, the chapter, the current step
 * with its notes and the chapter's notes, the next step's command, the components, the keys.
 */
export function renderSpeakerFrame(input: SpeakerFrameInput): string[] {
  const { snapshot, width, height, theme, now } = input;
  const w = Math.max(20, width);
  const status = input.live
    ? theme.ok('● following the presenter')
    : theme.running('◌ waiting for the presenter');
  const title = snapshot ? `${snapshot.lesson.title} · speaker view` : 'demystify · speaker view';
  const top = bar(` ${title}`, status, w, theme);
  const steps = snapshot ? `steps done ${snapshot.steps.done}/${snapshot.steps.total}` : '';
  const bottom = bar(` ${input.message ?? SPEAKER_KEYS}`, theme.barKey(` ${steps} `), w, theme);
  if (!snapshot) return waiting(top, bottom, input, w, Math.max(3, height));

  const clock = snapshot.clock;
  const chapter = snapshot.chapter;
  const head = [
    top,
    budgetRow('TALK', talkElapsedMs(clock, now), snapshot.talkBudgetMs, w, theme),
    budgetRow('CHAPTER', chapterElapsedMs(clock, chapter.id, now), chapter.budgetMs, w, theme),
    titledRule(`Chapter ${chapter.index + 1}/${chapter.count} · ${chapter.title}`, '', w, theme),
  ];
  const components = componentRows(snapshot, w, theme, now);
  const tail = [titledRule('Components', '', w, theme), ...components, bottom];

  const nowLines: string[] = [];
  const current = snapshot.current;
  if (current) {
    const badge = stepBadge(current, theme, now);
    nowLines.push(
      line(
        ` ${theme.strong('NOW')}   ${theme.strong(`${current.index + 1}. ${current.name}`)}  ${badge.style(badge.text)}${chapterOf(current, theme)}`,
        w,
      ),
    );
    nowLines.push(...notes(current.notes, w, theme, 'no notes for this step'));
  } else {
    nowLines.push(line(` ${theme.strong('NOW')}   ${theme.dim('the chapter begins')}`, w));
  }
  if (chapter.notes.length > 0) {
    nowLines.push(line(` ${theme.strong('CHAPTER NOTES')}`, w));
    nowLines.push(...notes(chapter.notes, w, theme, ''));
  }

  const next = snapshot.next;
  const nextHead = next
    ? ` ${theme.strong('NEXT')}  ${theme.strong(`${next.index + 1}. ${next.name}`)}  ${theme.dim(
        next.shell ? 'in the shell' : `in ${next.session}`,
      )}${chapterOf(next, theme)}`
    : ` ${theme.strong('NEXT')}  ${theme.dim('nothing: the lesson is done')}`;
  const commandLines = next
    ? next.command
        .split('\n')
        .flatMap((l, i) => wrapPlain(l, w - 5).map((part, j) => `${i === 0 && j === 0 ? '$' : ' '} ${part}`))
    : [];

  // The rows between head and tail: the step and its notes get what the command leaves them.
  const room = Math.max(0, height - head.length - tail.length - 1);
  const commandRoom = Math.min(commandLines.length, Math.max(1, Math.floor(room / 3)));
  const notesRoom = Math.max(0, room - 1 - commandRoom);
  // The chapter's steps, when there is room for them under the notes.
  const outline = outlineRows(snapshot, w, theme);
  if (outline.length > 0 && nowLines.length + 1 + outline.length <= notesRoom) nowLines.push('', ...outline);
  const nowPart = clip(nowLines, notesRoom, w, theme);
  const middle = [
    ...nowPart,
    ...Array.from({ length: Math.max(0, notesRoom - nowPart.length) }, () => ''),
    titledRule('', '', w, theme),
    line(nextHead, w),
    ...clip(
      commandLines.map((l) => `   ${theme.code(l)}`),
      commandRoom,
      w,
      theme,
    ),
  ];
  return [...head, ...middle.slice(0, room + 1), ...tail].slice(0, height).map((l) => fitAnsi(l, w));
}

/** The screen before any presenter was seen: where it is awaited, and how to open it. */
function waiting(top: string, bottom: string, input: SpeakerFrameInput, w: number, height: number): string[] {
  const { theme } = input;
  const body = [
    '',
    theme.strong('waiting for the presenter'),
    '',
    theme.dim('this view follows the presenter of the same work directory'),
    ...(input.hint ? [theme.dim(input.hint)] : []),
  ];
  const rows = Array.from({ length: height - 2 }, () => '');
  const start = Math.max(0, Math.floor((rows.length - body.length) / 2));
  body.forEach((text, i) => {
    if (start + i < rows.length) rows[start + i] = center(text, w);
  });
  return [top, ...rows, bottom].map((l) => fitAnsi(l, w));
}

/** `  · chapter Start etcd` for a step of another chapter than the one on screen. */
function chapterOf(step: { otherChapter?: string }, theme: Theme): string {
  return step.otherChapter ? theme.dim(` · chapter ${step.otherChapter}`) : '';
}

function bar(left: string, right: string, w: number, theme: Theme): string {
  const room = Math.max(0, w - visibleWidth(right) - 1);
  return fitAnsi(`${theme.bar(fitAnsi(left, room))}${theme.bar(' ')}${right}`, w);
}

function line(text: string, w: number): string {
  return fitAnsi(text, w);
}

function center(text: string, w: number): string {
  return `${' '.repeat(Math.max(0, Math.floor((w - visibleWidth(text)) / 2)))}${text}`;
}

/**
 * Notes as wrapped, indented lines, each note a bullet; `empty` when there are none. As in Markdown,
 * a line break inside a note is a space, and a blank line starts a paragraph.
 */
function notes(texts: string[], w: number, theme: Theme, empty: string): string[] {
  if (texts.length === 0) return empty ? [line(`      ${theme.dim(empty)}`, w)] : [];
  return texts.flatMap((text) => {
    const paragraphs = text
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p !== '');
    return paragraphs.flatMap((p, i) =>
      wrapPlain(p, w - 8).map((part, j) => `   ${i === 0 && j === 0 ? '•' : ' '}  ${part}`),
    );
  });
}

/** At most `room` lines; when some are cut, the last one says how many. */
function clip(lines: string[], room: number, w: number, theme: Theme): string[] {
  if (lines.length <= room) return lines;
  if (room <= 0) return [];
  const kept = lines.slice(0, room - 1);
  return [...kept, line(`      ${theme.dim(`… ${lines.length - kept.length} more line(s)`)}`, w)];
}
