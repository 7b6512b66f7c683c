import type { RehearsalSummary } from '../../engine/rehearsal/aggregate.js';

/** What a rehearsal report is made from: the lesson, how it was rehearsed, and the aggregated runs. */
export interface RehearsalReport {
  lesson: { id: string; title: string; file: string };
  /** ISO time the report was written. */
  generatedAt: string;
  /** `demystify rehearse` (several runs) or `demystify run --report` (one). */
  source: 'rehearse' | 'run';
  /** Runs asked for (`--runs`); fewer ran when the rehearsal was stopped. */
  runsAsked: number;
  /** First and last chapter rehearsed (ids). */
  range: { from: string; to: string };
  summary: RehearsalSummary;
}

/** A duration as a person reads it: `420 ms`, `12.3 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A headline: how many runs passed, which steps are flaky. */
export function verdict(report: RehearsalReport): string {
  const { summary } = report;
  const runs = summary.runs.length;
  const passed = `${summary.passed} of ${runs} run${runs === 1 ? '' : 's'} passed`;
  const stopped = runs < report.runsAsked ? ` (${report.runsAsked} asked, stopped early)` : '';
  const flaky = summary.flaky.length > 0 ? `; flaky: ${summary.flaky.join(', ')}` : '';
  return `${passed}${stopped}${flaky}`;
}
