import type { LearnerCheck } from '../../engine/learner/checks.js';
import type { StepWatch } from '../../engine/learner/attempts.js';
import type { PlannedStep } from '../../engine/plan-model.js';
import { fitAnsi, visibleWidth } from '../text/ansi.js';
import { wrapPlain } from '../text/ansi-wrap.js';
import type { Theme } from '../presenter/theme.js';
import { keysLine } from './learner-keys.js';

/** Everything the learner panel shows. */
export interface LearnerPanelInput {
  step: PlannedStep | undefined;
  total: number;
  check: LearnerCheck | undefined;
  watch: StepWatch | undefined;
  /** The texts of the hints to show. */
  hints: string[];
  /** A line about what just happened (`✓ put done`, `– put skipped`, `copied`). */
  message: string | null;
  width: number;
  theme: Theme;
}

/** How a check reads in the panel. */
function describeCheck(check: LearnerCheck): string {
  switch (check.kind) {
    case 'probes':
      return `checked by ${check.source}: ${check.probes.map((p) => p.raw).join(', ')}`;
    case 'output':
      return `checked by its output: ${check.expect.output ? `/${check.expect.output.pattern}/` : ''}`;
    case 'command':
      return 'checked when you run this command';
    case 'manual':
      return `not checked (${check.reason}): F6 when done`;
  }
}

/**
 * The learner panel's lines, each `width` wide: a border, the step to do and its command (shown, never
 * typed), how it is checked, the failed attempts, the hints and solution when shown, the keys. Pure.
 */
export function renderLearnerPanel(input: LearnerPanelInput): string[] {
  const { theme, width } = input;
  const inner = Math.max(10, width - 4);
  const body: string[] = [];
  const wrap = (text: string, style: (s: string) => string = (s) => s): void => {
    for (const line of wrapPlain(text, inner)) body.push(style(line));
  };
  if (input.message) wrap(input.message, theme.strong);
  const { step, check, watch } = input;
  let title = ' Learner: the lesson is done ';
  if (step && check) {
    title = ` Your turn · step ${step.index + 1}/${input.total} ${step.name} [${step.session}] `;
    wrap('Type in the terminal:');
    for (const line of step.command.split('\n')) wrap(`  ${line}`, theme.code);
    wrap(describeCheck(check), theme.dim);
    if (watch && watch.attempts > 0)
      wrap(`${watch.attempts} failed attempt${watch.attempts === 1 ? '' : 's'}`, theme.failed);
    for (const hint of input.hints) wrap(`Hint: ${hint}`, theme.current);
    if (watch?.solution) {
      wrap('Solution: run the command above as it is (F3 copies it)', theme.ok);
      if (step.expectedOutput)
        for (const line of step.expectedOutput.split('\n')) wrap(`  ${line}`, theme.dim);
    }
    if (watch?.broken)
      wrap(
        'The machine is beyond repair for this step: F7 replays the chapter from a clean machine',
        theme.failed,
      );
    wrap(keysLine({ manual: check.kind === 'manual', broken: watch?.broken ?? false }), theme.dim);
  }
  const border = theme.borderFocused;
  // Cut and measured in columns: a step name with a wide character keeps the right border in place.
  const titleText = fitAnsi(title, Math.min(visibleWidth(title), Math.max(0, inner - 1)));
  const top = `${border('┌─')}${theme.title(titleText)}${border('─'.repeat(Math.max(0, inner + 1 - visibleWidth(titleText))))}${border('┐')}`;
  const lines = [fitAnsi(top, width)];
  for (const line of body) lines.push(`${border('│')} ${fitAnsi(line, inner)} ${border('│')}`);
  lines.push(fitAnsi(border(`└${'─'.repeat(Math.max(0, width - 2))}┘`), width));
  return lines;
}
