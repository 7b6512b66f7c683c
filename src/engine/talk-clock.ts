import type { Lesson } from '../lesson/model.js';

/**
 * The talk's clock: when the talk started and how long each chapter has been on screen. Pure data,
 * kept in state.json so that it survives a presenter restart; every function here takes the time as
 * an argument (epoch milliseconds) and reads no clock.
 */
export interface TalkClock {
  /** When the talk started (the first presenter on a fresh machine, or the last restart of the clock). */
  startedAt: number;
  /** The chapter on screen now (its id). */
  chapter: string;
  /** Since when that chapter is on screen. */
  chapterSince: number;
  /** Time each chapter was on screen before, by id (the current one's time before `chapterSince`). */
  spentMs: Record<string, number>;
}

/** Where an elapsed time stands against its budget. */
export interface BudgetStatus {
  elapsedMs: number;
  /** Absent: no budget. */
  budgetMs?: number;
  /** elapsed / budget (absent without a budget). */
  fraction?: number;
  /** Past 100 % of the budget. */
  over: boolean;
  /** Time left (negative past the budget; absent without a budget). */
  remainingMs?: number;
}

/** A talk that starts now, on a chapter. */
export function startTalk(chapter: string, now: number): TalkClock {
  return { startedAt: now, chapter, chapterSince: now, spentMs: {} };
}

/**
 * The presenter shows a chapter (the same one again changes nothing): the time of the one it leaves is
 * added to that chapter's account, and the new one's time runs from now on top of its own account.
 */
export function enterChapter(clock: TalkClock, chapter: string, now: number): TalkClock {
  if (chapter === clock.chapter) return clock;
  const spent = Math.max(0, now - clock.chapterSince);
  const spentMs = { ...clock.spentMs, [clock.chapter]: (clock.spentMs[clock.chapter] ?? 0) + spent };
  return { ...clock, chapter, chapterSince: Math.max(now, clock.chapterSince), spentMs };
}

/** How long a chapter has been on screen in all (the current one's time running until `now`). */
export function chapterElapsedMs(clock: TalkClock, chapter: string, now: number): number {
  const before = clock.spentMs[chapter] ?? 0;
  return chapter === clock.chapter ? before + Math.max(0, now - clock.chapterSince) : before;
}

/** How long the talk has lasted. */
export function talkElapsedMs(clock: TalkClock, now: number): number {
  return Math.max(0, now - clock.startedAt);
}

/** An elapsed time against a budget (none: only the time). */
export function budgetStatus(elapsedMs: number, budgetMs?: number): BudgetStatus {
  if (budgetMs === undefined || budgetMs <= 0) return { elapsedMs, over: false };
  return {
    elapsedMs,
    budgetMs,
    fraction: elapsedMs / budgetMs,
    over: elapsedMs > budgetMs,
    remainingMs: budgetMs - elapsedMs,
  };
}

/**
 * The whole talk's budget: the front matter's `budget:`, else the sum of the chapters' budgets when
 * every chapter has one (as rehearsals total them), else none.
 */
export function talkBudgetMs(lesson: Pick<Lesson, 'budgetMs' | 'chapters'>): number | undefined {
  if (lesson.budgetMs !== undefined) return lesson.budgetMs;
  if (lesson.chapters.length === 0) return undefined;
  let sum = 0;
  for (const chapter of lesson.chapters) {
    if (chapter.budgetMs === undefined) return undefined;
    sum += chapter.budgetMs;
  }
  return sum;
}

/** Whether a value read back from state.json is a talk clock (an older or damaged file may hold anything). */
export function isTalkClock(value: unknown): value is TalkClock {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.startedAt === 'number' &&
    typeof v.chapter === 'string' &&
    typeof v.chapterSince === 'number' &&
    typeof v.spentMs === 'object' &&
    v.spentMs !== null &&
    Object.values(v.spentMs).every((n) => typeof n === 'number')
  );
}
