import { budgetStatus } from '../../engine/talk-clock.js';
import type { StepStatus } from '../../engine/machine.js';
import { fitAnsi, visibleWidth } from '../text/ansi.js';
import type { Theme } from '../presenter/theme.js';
import type { SpeakerSnapshot, SpeakerStep } from './speaker-snapshot.js';

/** The single rows of the speaker view: clocks against budgets, a step's line, the components. */

/** `mm:ss`, `h:mm:ss` past an hour; a negative time is shown as its size. */
function clockText(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A duration in a step's line: `420ms`, `3.1s`, `12s`, `2m05s`. */
function shortDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * One clock row: `LABEL  03:12 of 20:00  ████░░░░  16%  16:48 left`. Past the budget the row says so in
 * words, on red: `OVER BUDGET by 01:10`; from 80 % the bar turns yellow; without a budget only the time.
 */
export function budgetRow(
  label: string,
  elapsedMs: number,
  budgetMs: number | undefined,
  width: number,
  theme: Theme,
): string {
  const status = budgetStatus(elapsedMs, budgetMs);
  const head = ` ${theme.strong(label.padEnd(8))} ${theme.strong(clockText(elapsedMs))}`;
  if (status.budgetMs === undefined || status.fraction === undefined || status.remainingMs === undefined)
    return fitAnsi(`${head} ${theme.dim('(no budget)')}`, width);
  const percent = `${Math.floor(status.fraction * 100)}%`.padStart(4);
  const style = status.over ? theme.failed : status.fraction >= 0.8 ? theme.running : theme.ok;
  const tail = status.over
    ? theme.alertTitle(` OVER BUDGET by ${clockText(-status.remainingMs)} `)
    : theme.dim(`${clockText(status.remainingMs)} left`);
  const fixed = visibleWidth(`${head} of ${clockText(status.budgetMs)}  `) + 2 + 5 + 2 + visibleWidth(tail);
  const barWidth = Math.max(0, Math.min(30, width - fixed - 1));
  const filled = Math.min(barWidth, Math.round(Math.min(1, status.fraction) * barWidth));
  const bar = barWidth > 0 ? `${style('█'.repeat(filled))}${theme.dim('░'.repeat(barWidth - filled))}  ` : '';
  return fitAnsi(`${head} of ${clockText(status.budgetMs)}  ${bar}${style(percent)}  ${tail}`, width);
}

/** The symbol, words and style of a step's status. */
export function stepBadge(
  step: SpeakerStep,
  theme: Theme,
  now: number,
): { text: string; style: (s: string) => string } {
  const styles: Record<StepStatus, [string, string, (s: string) => string]> = {
    pending: ['○', 'pending', theme.pending],
    running: ['◐', 'running', theme.running],
    ok: ['✓', 'ok', theme.ok],
    failed: ['✗', 'failed', theme.failed],
    'timed-out': ['✗', 'timed out', theme.failed],
    skipped: ['–', 'skipped', theme.skipped],
  };
  const [symbol, words, style] = styles[step.status];
  const time =
    step.status === 'running' && step.startedAt !== undefined
      ? ` ${shortDuration(Math.max(0, now - step.startedAt))}`
      : step.durationMs !== undefined && step.status !== 'pending'
        ? ` ${shortDuration(step.durationMs)}`
        : '';
  return { text: `${symbol} ${words}${time}`, style };
}

/** The chapter's steps, one a row: `   ✓ 1. start-etcd`, the next one `r` runs marked `▶`. */
export function outlineRows(snapshot: SpeakerSnapshot, width: number, theme: Theme): string[] {
  const steps = snapshot.chapter.outline;
  if (steps.length === 0) return [];
  const rows = steps.map((s) => {
    const { text, style } = stepBadge({ ...s, notes: [] }, theme, 0);
    const symbol = text.split(' ')[0] ?? '';
    const next = snapshot.next?.index === s.index;
    const name = `${s.index + 1}. ${s.name}`;
    return fitAnsi(
      `   ${next ? theme.current('▶') : ' '} ${style(symbol)} ${next ? theme.strong(name) : name}`,
      width,
    );
  });
  return [fitAnsi(` ${theme.strong('STEPS OF THE CHAPTER')}`, width), ...rows];
}

/** The components, as many to a row as fit: `● etcd up  ◐ kube-apiserver starting  ✖ kubelet down 12s`. */
export function componentRows(snapshot: SpeakerSnapshot, width: number, theme: Theme, now: number): string[] {
  if (snapshot.components.length === 0) return [fitAnsi(theme.dim(' no components'), width)];
  const items = snapshot.components.map((c) => {
    const [symbol, words, style] = ((): [string, string, (s: string) => string] => {
      switch (c.phase) {
        case 'not-started':
          return ['○', 'not started', theme.notStarted];
        case 'starting':
          return ['◐', 'starting', theme.running];
        case 'ready':
        case 'running':
          return ['●', 'up', theme.ok];
        case 'down':
          return [
            '✖',
            c.since === undefined ? 'down' : `down ${shortDuration(Math.max(0, now - c.since))}`,
            theme.failed,
          ];
        case 'failed':
          return ['✗', 'failed', theme.failed];
      }
    })();
    return `${style(symbol)} ${style(c.name)} ${theme.dim(words)}`;
  });
  const rows: string[] = [];
  let row = '';
  for (const item of items) {
    if (row && visibleWidth(row) + 3 + visibleWidth(item) > width) {
      rows.push(row);
      row = '';
    }
    row = row ? `${row}   ${item}` : ` ${item}`;
  }
  rows.push(row);
  return rows.map((r) => fitAnsi(r, width));
}

/** A rule with a title on the left and, optionally, a note on the right: `─ Chapter 1/2 · Start ── 1/3 ─`. */
export function titledRule(left: string, right: string, width: number, theme: Theme): string {
  const l = left ? `─ ${left} ` : '';
  const r = right ? ` ${right} ─` : '';
  const fill = Math.max(1, width - visibleWidth(l) - visibleWidth(r));
  return fitAnsi(
    theme.border(l ? `─ ` : '') +
      (l ? `${theme.title(left)} ` : '') +
      theme.border('─'.repeat(fill)) +
      (r ? ` ${theme.dim(right)}${theme.border(' ─')}` : ''),
    width,
  );
}
