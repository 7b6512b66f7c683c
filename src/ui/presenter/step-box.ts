import type { StepState } from '../../engine/machine.js';
import type { PlannedStep } from '../../engine/plan-model.js';
import { fitAnsi, visibleWidth } from '../text/ansi.js';
import { wrapCommand } from '../text/command-wrap.js';
import { EN, type Words } from './i18n.js';
import type { Theme } from './theme.js';

/** The symbol and words of a step's state, shown on its box and in the status line. */
export function stepBadge(
  state: StepState,
  theme: Theme,
  now: number,
  words: Words = EN,
): { symbol: string; label: string; style: (s: string) => string } {
  const outcome = state.outcome;
  switch (state.status) {
    case 'pending':
      return { symbol: '○', label: words.pending, style: theme.pending };
    case 'running': {
      const since =
        state.startedAt === undefined ? '' : ` ${formatDuration(Math.max(0, now - state.startedAt))}`;
      return { symbol: '◐', label: `${words.running}${since}`, style: theme.running };
    }
    case 'ok':
      return {
        symbol: '✓',
        label: `${words.ok}${outcome && 'durationMs' in outcome ? ` ${formatDuration(outcome.durationMs)}` : ''}`,
        style: theme.ok,
      };
    case 'failed':
      return {
        symbol: '✗',
        label:
          outcome?.kind === 'failed' && outcome.exitStatus !== undefined
            ? words.failedExit(outcome.exitStatus)
            : words.failed,
        style: theme.failed,
      };
    case 'timed-out':
      return { symbol: '✗', label: words.timedOut, style: theme.failed };
    case 'skipped':
      return { symbol: '–', label: words.skipped, style: theme.skipped };
  }
}

/** A duration as a person reads it on a slide: `420ms`, `1.4s`, `12s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A step as a box in the narration: its number, name and session in the top border with its state on
 * the right, the command inside (long lines wrapped, continuation indented). The current step (the
 * next one `run` runs) has a bright border and a ▶, so the audience sees where the talk is.
 */
export function renderStepBox(
  step: PlannedStep,
  state: StepState,
  options: {
    current: boolean;
    width: number;
    theme: Theme;
    now: number;
    shellSession: string;
    words?: Words;
  },
): string[] {
  const { theme, width } = options;
  const w = Math.max(16, width);
  const inner = w - 4;
  const words = options.words ?? EN;
  const badge = stepBadge(state, theme, options.now, words);
  const borderStyle = options.current
    ? theme.current
    : state.status === 'pending'
      ? theme.border
      : badge.style;
  const marker = options.current ? `${theme.current('▶')} ` : '';
  const where = step.session === options.shellSession ? '' : ` ${theme.dim(`[${step.session}]`)}`;
  const left = `${marker}${badge.style(badge.symbol)} ${theme.strong(`${step.index + 1}. ${step.name}`)}${where}`;
  const kind = step.check ? `${words.check} · ` : '';
  const right = badge.style(`${kind}${badge.label}`);
  const top = headerLine(left, right, w, borderStyle);
  const body: string[] = [];
  for (const piece of wrapCommand(step.command, inner)) {
    body.push(`${borderStyle('│')} ${fitAnsi(theme.code(piece), inner)} ${borderStyle('│')}`);
  }
  const bottom = borderStyle(`╰${'─'.repeat(w - 2)}╯`);
  const lines = [top, ...body, bottom];
  const reason = failureReason(state, words);
  if (reason) lines.push(...hardWrap(`✗ ${reason}`, w, 2).map((l) => theme.failed(l)));
  return lines;
}

/** The failure line shown under a failed step's box. */
function failureReason(state: StepState, words: Words): string | undefined {
  const outcome = state.outcome;
  if (outcome?.kind === 'failed') return outcome.reason;
  if (outcome?.kind === 'timed-out') return `${words.timedOut}: ${outcome.waitingFor}`;
  return undefined;
}

/** `╭─ left ─────── right ─╮`, cutting the left label first when both do not fit. */
function headerLine(left: string, right: string, width: number, border: (s: string) => string): string {
  // With a right label: ╭─␣L␣─…─␣R␣─╮ takes 9 columns besides the labels (a fill of at least one).
  const rightWidth = Math.min(visibleWidth(right), Math.max(0, width - 9 - 8));
  if (rightWidth > 0) {
    const leftWidth = Math.min(visibleWidth(left), width - 9 - rightWidth);
    const fill = width - 8 - leftWidth - rightWidth;
    return `${border('╭─')} ${fitAnsi(left, leftWidth)} ${border('─'.repeat(fill))} ${fitAnsi(right, rightWidth)} ${border('─╮')}`;
  }
  const leftWidth = Math.min(visibleWidth(left), width - 6);
  return `${border('╭─')} ${fitAnsi(left, leftWidth)} ${border('─'.repeat(width - 5 - leftWidth))}${border('╮')}`;
}

/** Cut plain text into lines of `width` columns; continuation lines start with `indent` spaces. */
export function hardWrap(text: string, width: number, indent: number): string[] {
  const out: string[] = [];
  let rest = text;
  let first = true;
  const w = Math.max(indent + 4, width);
  while (first || rest.length > 0) {
    const room = first ? w : w - indent;
    const chars = Array.from(rest);
    const head = chars.slice(0, room).join('');
    out.push(first ? head : ' '.repeat(indent) + head);
    rest = chars.slice(room).join('');
    first = false;
  }
  return out;
}
