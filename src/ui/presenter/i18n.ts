import type { Action } from './keymap.js';
import { ACTIONS } from './keymap.js';

/**
 * The presenter's own words (not the lesson's), in every language a lesson ships in. A lesson in
 * French gets a presenter in French: states, the status line, the panels, the messages, the help.
 * Words that take a value are functions. English is the reference: another language must have them all.
 */
export const EN = {
  // Steps and components.
  pending: 'pending',
  running: 'running',
  ok: 'ok',
  failed: 'failed',
  failedExit: (n: number) => `failed (exit ${n})`,
  timedOut: 'timed out',
  skipped: 'skipped',
  check: 'check',
  notStarted: 'not started',
  starting: 'starting',
  ready: 'ready',
  down: 'down',
  downSince: (d: string) => `down since ${d}`,
  noComponents: 'no components',
  // The status bar.
  chapter: 'Ch',
  step: 'step',
  allDone: (n: number) => `${n}/${n} done`,
  chapterDone: 'chapter done',
  lessonDone: 'lesson done',
  next: 'next',
  resetting: 'resetting the machine',
  typingIn: (session: string, key: string) => `TYPING IN ${session} (${key} leaves)`,
  hintRun: 'run',
  hintSkip: 'skip',
  hintStop: 'stop',
  hintClose: 'close',
  hintNextChapter: 'next chapter',
  hintKeys: 'keys',
  // The narration and the panes.
  chapterDoneLine: (key: string, next: string) => `✓ chapter done · ${key} → next: ${next}`,
  lessonEnd: '✓ End of the lesson.',
  moreLines: (n: number) => `… ${n} more lines`,
  more: (n: number) => `↓ ${n} more`,
  noNotes: 'no notes for this chapter',
  speakerNotes: 'Speaker notes',
  shell: 'shell',
  zoomed: 'zoomed',
  followsSteps: 'follows steps',
  pinned: 'pinned',
  session: (n: number) => `session ${n}`,
  notStartedYet: (name: string) => `${name} is not started yet`,
  noSessionYet: (name: string) => `no session '${name}' yet`,
  appearsHere: 'it appears here when a step starts it',
  // The failure panel.
  stepFailed: (n: number, name: string) => `Step ${n} “${name}” failed`,
  stepTimedOut: (n: number, name: string) => `Step ${n} “${name}” timed out`,
  resetFailed: 'The machine could not be reset',
  runStopped: 'The run stopped',
  expected: (what: string) => `Expected: ${what}`,
  stillWaiting: (what: string) => `still waiting for ${what}`,
  retry: 'retry',
  showLogs: 'show logs',
  replayChapter: 'replay chapter',
  close: 'close',
  // Panels.
  keysTitle: 'Keys (any key closes)',
  groups: ['Steps and chapters', 'Terminal', 'Screen'],
  actions: ACTIONS as Record<Action, string>,
  components19: 'component 1…9',
  remap: 'remap them in ~/.config/demystify/keys.yaml (docs/keys.md)',
  jumpTitle: 'Jump to chapter',
  noMatch: 'no chapter matches',
  cleanupTitle: 'Quit and clean up',
  cleanupText:
    'Quit and clean up? Every process the lesson started is stopped and its tmux server ends; the next start begins the lesson again.',
  yes: 'yes',
  anyOtherKey: 'any other key',
  no: 'no',
  alreadyRan: (n: number, name: string) => `Step ${n} “${name}” already ran`,
  restartText: (name: string) =>
    `${name} is running. Running this step again needs a clean restart: ${name} is stopped (Ctrl-C in its session), then started by the step.`,
  rerunText: (status: string) => `It already ran (${status}). Run it again?`,
  restart: (name: string) => `restart ${name}`,
  runAgain: 'run again',
  skip: 'skip',
  cancel: 'cancel',
  // Messages.
  stepRunning: 'a step is running: wait, or stop the run',
  stopFirst: 'a step is running: stop the run first',
  lessonOver: 'the lesson is over: no step left',
  typingRest: 'typing the rest at once',
  nothingLeft: 'nothing left to run in this chapter',
  noStepToCopy: 'no step to copy',
  copied: (name: string) => `copied the command of ${name}`,
  stopping: 'stopping after the current step',
  termStays: 'the terminal stays on this session',
  termFollows: 'the terminal follows the steps',
  theme: (name: string) => `theme: ${name}`,
  nothingCleaned: 'nothing was cleaned up',
  noChapterMatches: (input: string) => `no chapter matches “${input}”`,
  stoppingComponent: (name: string) => `stopping ${name} (Ctrl-C)…`,
  killedComponent: (name: string) => `${name} did not stop on Ctrl-C: its session was closed`,
  typingFixed: 'the typing speed is fixed (instant typing)',
  typingPace: (n: number, stage: boolean) => `typing ${n} keys/s${stage ? ' (stage)' : ''}`,
};

/** Every word the presenter writes, in one language. */
export type Words = typeof EN;
