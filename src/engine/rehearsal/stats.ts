/** Small statistics over durations, pure. */

/** The median of some numbers (the mean of the two middle ones for an even count); undefined when none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The defined values of a per-run list. */
export function defined<T>(values: readonly (T | undefined)[]): T[] {
  return values.filter((v): v is T => v !== undefined);
}

/** The largest value and the 0-based position of its first occurrence; undefined when none is defined. */
export function slowest(values: readonly (number | undefined)[]): { ms: number; at: number } | undefined {
  let best: { ms: number; at: number } | undefined;
  values.forEach((ms, at) => {
    if (ms !== undefined && (best === undefined || ms > best.ms)) best = { ms, at };
  });
  return best;
}
