import type { EngineState, StepStatus } from '../../engine/machine.js';
import { isTalkClock, talkBudgetMs, type TalkClock } from '../../engine/talk-clock.js';
import type { Lesson } from '../../lesson/model.js';
import type { ComponentPhase, ComponentView } from '../presenter/component-views.js';

/** The version of the snapshots' shape; a view ignores snapshots of another version. */
const SNAPSHOT_VERSION = 1;

/** A step as the speaker view shows it. */
export interface SpeakerStep {
  /** 0-based position in the plan. */
  index: number;
  name: string;
  status: StepStatus;
  /** Epoch ms when it started (running). */
  startedAt?: number;
  /** How long it took (ended). */
  durationMs?: number;
  /** Its speaker notes (the `<!-- notes: -->` right after it). */
  notes: string[];
  /** The chapter it belongs to, when it is not the one on screen. */
  otherChapter?: string;
}

/** The step `r` runs next: what will be typed, and where. */
export interface SpeakerNextStep extends SpeakerStep {
  /** The command, templates resolved, as it will be typed. */
  command: string;
  session: string;
  /** The lesson's shell session (not a component's). */
  shell: boolean;
}

/**
 * What the presenter publishes on every change: everything a speaker view draws, so that the view
 * needs neither the lesson's options nor its plan, only this. Small (a few kilobytes: notes and one
 * command); times are epoch ms, which the view, on the same machine, counts on from.
 */
export interface SpeakerSnapshot {
  kind: 'snapshot';
  version: typeof SNAPSHOT_VERSION;
  lesson: { id: string; title: string };
  chapter: {
    index: number;
    count: number;
    id: string;
    title: string;
    budgetMs?: number;
    /** The chapter's own notes (under its heading, not after a step). */
    notes: string[];
    /** Its steps, in order, with where each stands. */
    outline: { index: number; name: string; status: StepStatus }[];
  };
  /**
   * The step running; else the one that just finished (until the presenter moves), which may be the last
   * of the chapter before; else the one just before the presenter's cursor in this chapter.
   */
  current: SpeakerStep | null;
  next: SpeakerNextStep | null;
  steps: { done: number; total: number };
  activity: 'idle' | 'step' | 'reset';
  components: { name: string; phase: ComponentPhase; since?: number }[];
  clock: TalkClock;
  talkBudgetMs?: number;
  /** When the presenter sent it. */
  sentAt: number;
}

/** What a snapshot is made of, in the presenter. */
export interface SnapshotInput {
  lesson: Lesson;
  engine: EngineState;
  components: ComponentView[];
  clock: TalkClock;
  /** The step that finished last, while the presenter has not moved since (see SpeakerPublisher). */
  finished?: number;
  now: number;
}

/** The snapshot of the presenter's state. Pure. */
export function buildSnapshot(input: SnapshotInput): SpeakerSnapshot {
  const { lesson, engine, clock, now } = input;
  const plan = engine.plan;
  const planned = plan.chapters[engine.chapter];
  const chapter = lesson.chapters.find((c) => c.id === planned?.id);
  const chapterNotes = (chapter?.blocks ?? []).flatMap((b) =>
    b.kind === 'notes' && !b.step ? [b.text] : [],
  );
  const notesOf = (name: string): string[] =>
    lesson.chapters.flatMap((c) => c.steps).find((s) => s.name === name)?.notes ?? [];
  const stepAt = (index: number): SpeakerStep | null => {
    const step = plan.steps[index];
    const state = engine.steps[index];
    if (!step || !state) return null;
    const outcome = state.outcome;
    return {
      index,
      name: step.name,
      status: state.status,
      ...(state.status === 'running' && state.startedAt !== undefined ? { startedAt: state.startedAt } : {}),
      ...(outcome && 'durationMs' in outcome ? { durationMs: outcome.durationMs } : {}),
      notes: notesOf(step.name),
      ...(step.chapterId !== planned?.id ? { otherChapter: step.chapterTitle } : {}),
    };
  };
  const running = engine.activity.kind === 'step' ? engine.activity.step : undefined;
  const before = engine.cursor - 1;
  const currentIndex =
    running ??
    input.finished ??
    (before >= 0 && plan.steps[before]?.chapterId === planned?.id ? before : undefined);
  const nextIndex = running === undefined ? engine.cursor : running + 1;
  const nextStep = plan.steps[nextIndex];
  const nextBase = stepAt(nextIndex);
  const next: SpeakerNextStep | null =
    nextStep && nextBase
      ? {
          ...nextBase,
          command: nextStep.command,
          session: nextStep.session,
          shell: nextStep.session === plan.shellSession,
        }
      : null;
  const budget = talkBudgetMs(lesson);
  return {
    kind: 'snapshot',
    version: SNAPSHOT_VERSION,
    lesson: { id: lesson.id, title: lesson.title },
    chapter: {
      index: engine.chapter,
      count: plan.chapters.length,
      id: planned?.id ?? '',
      title: planned?.title ?? '',
      ...(chapter?.budgetMs !== undefined ? { budgetMs: chapter.budgetMs } : {}),
      notes: chapterNotes,
      outline: (planned?.steps ?? []).map((index) => ({
        index,
        name: plan.steps[index]?.name ?? '',
        status: engine.steps[index]?.status ?? 'pending',
      })),
    },
    current: currentIndex === undefined ? null : stepAt(currentIndex),
    next,
    steps: {
      done: engine.steps.filter((s) => s.status === 'ok' || s.status === 'skipped').length,
      total: plan.steps.length,
    },
    activity: engine.activity.kind,
    components: input.components.map((c) => ({
      name: c.name,
      phase: c.phase,
      ...(c.since === undefined ? {} : { since: c.since }),
    })),
    clock,
    ...(budget === undefined ? {} : { talkBudgetMs: budget }),
    sentAt: now,
  };
}

/** A message from the channel, if it is a snapshot this view understands. */
export function asSnapshot(message: unknown): SpeakerSnapshot | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Partial<SpeakerSnapshot>;
  if (m.kind !== 'snapshot' || m.version !== SNAPSHOT_VERSION) return undefined;
  if (!m.lesson || !m.chapter || !Array.isArray(m.components) || !isTalkClock(m.clock)) return undefined;
  return m as SpeakerSnapshot;
}
