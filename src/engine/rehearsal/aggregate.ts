import { isSuccess, type StepOutcome } from '../outcome.js';
import { aggregateComponents, type ComponentStats } from './components.js';
import type { ChapterRef, PlannedStepRef, RunRecord, StepRun } from './run-record.js';
import { defined, median, slowest } from './stats.js';

export type { ComponentStats } from './components.js';

/** The first failure of a step across the runs, with what its session printed last. */
export interface FirstFailure {
  run: number;
  kind: 'failed' | 'timed-out';
  reason: string;
  logTail: string[];
}

/** One step over every run. */
export interface StepStats {
  index: number;
  chapter: string;
  step: string;
  /** Runs that reported an outcome for it (fast-forwards excluded). */
  reached: number;
  /** Runs where it failed or timed out. */
  failed: number;
  skipped: number;
  /** Its duration in each run, in run order (undefined: not reached, or skipped). */
  durations: (number | undefined)[];
  medianMs?: number;
  slowestMs?: number;
  /** 1-based run of the slowest duration. */
  slowestRun?: number;
  /** It passed in some runs and failed in others. */
  flaky: boolean;
  firstFailure?: FirstFailure;
}

/** A chapter's time in one run: the sum of its steps' durations; complete when all of them went well. */
export interface ChapterTime {
  ms: number;
  complete: boolean;
}

/** One chapter over every run. */
export interface ChapterStats {
  id: string;
  title: string;
  budgetMs?: number;
  /** Per run, in run order (undefined: none of its steps ran). */
  times: (ChapterTime | undefined)[];
  /** Median over the runs where the chapter went through (complete). */
  medianMs?: number;
  overBudget: boolean;
}

/** The whole range over every run. */
export interface TotalStats {
  /** Per run: the sum of its chapters' times (complete when the run went through). */
  times: ChapterTime[];
  medianMs?: number;
  /** The sum of the chapters' budgets, when every chapter has one. */
  budgetMs?: number;
  overBudget: boolean;
}

/** One run in a line. */
export interface RunSummary {
  run: number;
  ok: boolean;
  failedStep?: string;
  failedChapter?: string;
  error?: string;
  wallMs?: number;
}

/** Everything a rehearsal report shows. */
export interface RehearsalSummary {
  runs: RunSummary[];
  passed: number;
  steps: StepStats[];
  chapters: ChapterStats[];
  total: TotalStats;
  components: ComponentStats[];
  /** Names of the flaky steps, in plan order. */
  flaky: string[];
}

/** What to aggregate: the rehearsed chapters (with budgets), the planned steps if known, the runs. */
export interface RehearsalInput {
  chapters: ChapterRef[];
  /** The steps the runs were meant to run; steps no run reached still get a row. */
  planned?: PlannedStepRef[];
  runs: RunRecord[];
}

const failedKind = (o: StepOutcome): o is Extract<StepOutcome, { kind: 'failed' | 'timed-out' }> =>
  o.kind === 'failed' || o.kind === 'timed-out';

/**
 * Aggregate the runs of a rehearsal. Pure. Fast-forwarded steps are left out (they are not the
 * rehearsed range). A step is flaky when it failed in some of the runs that reached it, not all.
 */
export function aggregateRehearsal(input: RehearsalInput): RehearsalSummary {
  const runs = input.runs;
  const byRun = runs.map((r) => new Map(r.steps.filter((s) => !s.fast).map((s) => [s.step, s])));
  const steps = stepList(input.planned ?? [], runs).map((ref) => stepStats(ref, byRun, runs));
  const chapters = input.chapters.map((chapter) => chapterStats(chapter, steps, byRun));
  const budgets = input.chapters.map((c) => c.budgetMs);
  const totalTimes = runs.map((run, i): ChapterTime => {
    const ms = chapters.reduce((sum, c) => sum + (c.times[i]?.ms ?? 0), 0);
    return { ms, complete: run.ok && chapters.every((c) => c.times[i]?.complete === true) };
  });
  const totalMedian = median(totalTimes.filter((t) => t.complete).map((t) => t.ms));
  const totalBudget =
    budgets.length > 0 && budgets.every((b) => b !== undefined)
      ? defined(budgets).reduce((a, b) => a + b, 0)
      : undefined;
  const total: TotalStats = {
    times: totalTimes,
    ...(totalMedian === undefined ? {} : { medianMs: totalMedian }),
    ...(totalBudget === undefined ? {} : { budgetMs: totalBudget }),
    overBudget: totalBudget !== undefined && totalMedian !== undefined && totalMedian > totalBudget,
  };
  return {
    runs: runs.map((run) => runSummary(run)),
    passed: runs.filter((r) => r.ok).length,
    steps,
    chapters,
    total,
    components: aggregateComponents(runs, byRun),
    flaky: steps.filter((s) => s.flaky).map((s) => s.step),
  };
}

/** The planned steps, then any other step a run reported, once each, in plan order. */
function stepList(planned: PlannedStepRef[], runs: RunRecord[]): PlannedStepRef[] {
  const seen = new Map<string, PlannedStepRef>();
  for (const ref of planned) if (!seen.has(ref.step)) seen.set(ref.step, ref);
  for (const run of runs)
    for (const s of run.steps)
      if (!s.fast && !seen.has(s.step))
        seen.set(s.step, { index: s.index, chapter: s.chapter, step: s.step });
  return [...seen.values()].sort((a, b) => a.index - b.index);
}

function stepStats(ref: PlannedStepRef, byRun: Map<string, StepRun>[], runs: RunRecord[]): StepStats {
  const outcomes = byRun.map((m) => m.get(ref.step)?.outcome);
  const durations = outcomes.map((o) => (o && o.kind !== 'skipped' ? o.durationMs : undefined));
  const reached = defined(outcomes).length;
  const failed = defined(outcomes).filter(failedKind).length;
  const skipped = defined(outcomes).filter((o) => o.kind === 'skipped').length;
  const firstAt = outcomes.findIndex((o) => o !== undefined && failedKind(o));
  const first = outcomes[firstAt];
  const med = median(defined(durations));
  const slow = slowest(durations);
  return {
    ...ref,
    reached,
    failed,
    skipped,
    durations,
    ...(med === undefined ? {} : { medianMs: med }),
    ...(slow ? { slowestMs: slow.ms, slowestRun: runs[slow.at]?.run ?? slow.at + 1 } : {}),
    flaky: failed > 0 && failed < reached,
    ...(first && failedKind(first)
      ? {
          firstFailure: {
            run: runs[firstAt]?.run ?? firstAt + 1,
            kind: first.kind,
            reason: first.kind === 'failed' ? first.reason : `timed out waiting for ${first.waitingFor}`,
            logTail: first.logTail,
          },
        }
      : {}),
  };
}

function chapterStats(chapter: ChapterRef, steps: StepStats[], byRun: Map<string, StepRun>[]): ChapterStats {
  const own = steps.filter((s) => s.chapter === chapter.id);
  const times = byRun.map((m): ChapterTime | undefined => {
    const outcomes = own.map((s) => m.get(s.step)?.outcome);
    if (own.length > 0 && outcomes.every((o) => o === undefined)) return undefined;
    const ms = defined(outcomes).reduce((sum, o) => sum + (o.kind === 'skipped' ? 0 : o.durationMs), 0);
    return { ms, complete: outcomes.every((o) => o !== undefined && isSuccess(o)) };
  });
  const med = median(
    defined(times)
      .filter((t) => t.complete)
      .map((t) => t.ms),
  );
  return {
    id: chapter.id,
    title: chapter.title,
    ...(chapter.budgetMs === undefined ? {} : { budgetMs: chapter.budgetMs }),
    times,
    ...(med === undefined ? {} : { medianMs: med }),
    overBudget: chapter.budgetMs !== undefined && med !== undefined && med > chapter.budgetMs,
  };
}

function runSummary(run: RunRecord): RunSummary {
  const failed = run.steps.find((s) => !isSuccess(s.outcome));
  return {
    run: run.run,
    ok: run.ok,
    ...(failed ? { failedStep: failed.step, failedChapter: failed.chapter } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.wallMs === undefined ? {} : { wallMs: run.wallMs }),
  };
}
