/**
 * How often readiness is polled. Components in the lesson get ready in 0.2 s to 4 s, so polling starts
 * fast (every 10 ms: a quick component costs almost nothing in latency) and backs off geometrically to a
 * cap, so a slow one (kube-apiserver, ~3.5 s) is not hammered. Pure functions, unit-tested.
 */
export interface BackoffSchedule {
  /** First delay, in milliseconds. */
  initialMs: number;
  /** Each delay is the previous one times this factor. */
  factor: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/** The engine's schedule: 10 ms, ×1.2, at most 50 ms (the worst-case added latency of one probe). */
export const DEFAULT_BACKOFF: BackoffSchedule = { initialMs: 10, factor: 1.2, maxMs: 50 };

/** The delay before attempt `attempt + 1` (attempt 0 is the first retry). */
export function backoffDelay(attempt: number, schedule: BackoffSchedule = DEFAULT_BACKOFF): number {
  const raw = schedule.initialMs * Math.pow(schedule.factor, Math.max(0, attempt));
  return Math.round(Math.min(schedule.maxMs, raw));
}

/** The first `count` delays of a schedule (for tests and docs). */
export function backoffDelays(count: number, schedule: BackoffSchedule = DEFAULT_BACKOFF): number[] {
  return Array.from({ length: count }, (_, i) => backoffDelay(i, schedule));
}

/**
 * The delay before the next attempt, bounded by what is left of the deadline so that the last attempt
 * lands on it rather than after it. Returns 0 when the deadline has passed.
 */
export function nextDelay(
  attempt: number,
  now: number,
  deadline: number,
  schedule: BackoffSchedule = DEFAULT_BACKOFF,
): number {
  return Math.max(0, Math.min(backoffDelay(attempt, schedule), deadline - now));
}
