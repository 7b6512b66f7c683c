/**
 * Learner mode's keys. Function keys, because the terminal pane has the focus and every letter is the
 * learner's to type; they work with the narration focused too (Ctrl-g) and keep the presenter's keys.
 */
const LEARNER_KEYS = {
  hint: 'f2',
  copy: 'f3',
  solution: 'f4',
  skip: 'f5',
  done: 'f6',
  replay: 'f7',
} as const;

/** What a learner key does. */
export type LearnerAction = keyof typeof LEARNER_KEYS;

/** The learner action of a key name, if any. */
export function learnerAction(name: string): LearnerAction | undefined {
  const found = Object.entries(LEARNER_KEYS).find(([, key]) => key === name);
  return found?.[0] as LearnerAction | undefined;
}

/** The keys line of the panel: `F2 hint  F3 copy  …`, only those that apply. */
export function keysLine(options: { manual: boolean; broken: boolean }): string {
  const parts = ['F2 hint', 'F3 copy', 'F4 solution', 'F5 skip (run it)'];
  if (options.manual) parts.push('F6 done');
  if (options.broken) parts.push('F7 replay chapter');
  parts.push('C-g presenter keys');
  return parts.join('  ');
}
