import type { StepOutcome } from '../outcome.js';
import type { RunRecord, StepRun } from './run-record.js';

/** One NDJSON event of `demystify run --json`, as far as a rehearsal reads it. */
interface RunEvent {
  event?: unknown;
  at?: unknown;
  index?: unknown;
  chapter?: unknown;
  step?: unknown;
  fast?: unknown;
  outcome?: unknown;
  ok?: unknown;
  error?: unknown;
}

/**
 * Read the NDJSON a `demystify run --json` printed into a run record. Lines that are not JSON objects
 * are ignored; a step reported twice keeps its last outcome; a step started but never finished (the
 * run process died) counts as failed; no `run-ended` line means the run did not end normally.
 */
export function runFromNdjson(text: string, run: number): RunRecord {
  const steps = new Map<number, StepRun>();
  const started = new Map<number, { chapter: string; step: string; fast: boolean; at?: number }>();
  let ended: RunEvent | undefined;
  let resetError: string | undefined;
  let first: number | undefined;
  let last: number | undefined;
  for (const line of text.split('\n')) {
    const event = parseLine(line);
    if (!event) continue;
    if (typeof event.at === 'number') {
      first ??= event.at;
      last = event.at;
    }
    if (event.event === 'reset' && typeof event.error === 'string') resetError = event.error;
    if (event.event === 'run-ended') ended = event;
    if (typeof event.index !== 'number') continue;
    const ref = {
      chapter: String(event.chapter ?? ''),
      step: String(event.step ?? ''),
      fast: event.fast === true,
    };
    if (event.event === 'step-started') {
      started.set(event.index, { ...ref, ...(typeof event.at === 'number' ? { at: event.at } : {}) });
    } else if (event.event === 'step-finished' && isOutcome(event.outcome)) {
      steps.delete(event.index);
      steps.set(event.index, { index: event.index, ...ref, outcome: event.outcome });
    }
  }
  for (const [index, ref] of started) {
    if (steps.has(index)) continue;
    const durationMs = ref.at !== undefined && last !== undefined ? Math.max(0, last - ref.at) : 0;
    const reason = 'the run ended while this step ran';
    const outcome: StepOutcome = { kind: 'failed', durationMs, expectation: 'run', reason, logTail: [] };
    steps.set(index, { index, chapter: ref.chapter, step: ref.step, fast: ref.fast, outcome });
  }
  const ok = ended?.ok === true;
  const error =
    typeof ended?.error === 'string'
      ? ended.error
      : (resetError ?? (ended ? undefined : 'the run ended without reporting a result'));
  return {
    run,
    ok,
    ...(!ok && error ? { error } : {}),
    steps: [...steps.values()],
    components: [],
    ...(first !== undefined && last !== undefined ? { wallMs: last - first } : {}),
  };
}

function parseLine(line: string): RunEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null ? (value as RunEvent) : undefined;
  } catch {
    return undefined;
  }
}

function isOutcome(value: unknown): value is StepOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'skipped') return true;
  const duration = (value as { durationMs?: unknown }).durationMs;
  return (kind === 'ok' || kind === 'failed' || kind === 'timed-out') && typeof duration === 'number';
}
