import { DemystifyError } from '../../errors.js';

/**
 * What a key can do in the presenter, with the few words the help panel shows (docs/keys.md says more).
 * The names are what a user writes in keys.yaml, so they are part of the documented interface: never
 * rename one.
 */
export const ACTIONS = {
  'run-step': 'run the step (or retry)',
  'next-step': 'next step',
  'previous-step': 'previous step',
  'next-chapter': 'next chapter',
  'previous-chapter': 'previous chapter',
  'jump-chapter': 'jump to a chapter',
  'replay-chapter': 'replay this chapter',
  'run-chapter': 'run the chapter’s rest',
  'finish-typing': 'finish the typing now',
  'typing-faster': 'type faster',
  'typing-slower': 'type slower',
  'copy-command': 'copy the step’s command',
  stop: 'stop after this step',
  'show-logs': 'show the failed session',
  'next-session': 'next session',
  'previous-session': 'previous session',
  'session-0': 'the lesson’s shell',
  'session-1': 'component 1',
  'session-2': 'component 2',
  'session-3': 'component 3',
  'session-4': 'component 4',
  'session-5': 'component 5',
  'session-6': 'component 6',
  'session-7': 'component 7',
  'session-8': 'component 8',
  'session-9': 'component 9',
  'focus-terminal': 'type into the terminal',
  'focus-narration': 'leave the terminal',
  zoom: 'zoom terminal/narration',
  'split-narrower': 'narrower narration',
  'split-wider': 'wider narration',
  'next-theme': 'next theme (light…)',
  'scroll-up': 'scroll up',
  'scroll-down': 'scroll down',
  'page-up': 'page up',
  'page-down': 'page down',
  top: 'top of the chapter',
  bottom: 'back to the step',
  'terminal-scroll-up': 'terminal: scroll back',
  'terminal-scroll-down': 'terminal: scroll forward',
  'toggle-notes': 'speaker notes on/off',
  'toggle-follow': 'follow the steps on/off',
  help: 'these keys',
  dismiss: 'close a panel',
  redraw: 'redraw the screen',
  quit: 'quit (all keeps running)',
  'quit-cleanup': 'quit and clean up',
} as const;

/** One action's name. */
export type Action = keyof typeof ACTIONS;

/** Keys of each action: canonical key names (see {@link canonicalKey}). */
export type Keymap = Record<Action, string[]>;

/** The default keys: one-letter keys a presenter reaches without looking, and the usual arrows. */
export const DEFAULT_KEYMAP: Keymap = {
  'run-step': ['r', 'enter'],
  'next-step': ['n'],
  'previous-step': ['p'],
  'next-chapter': ['N', ']', 'right'],
  'previous-chapter': ['P', '[', 'left'],
  'jump-chapter': ['g', ':'],
  'replay-chapter': ['R'],
  'run-chapter': ['A'],
  'finish-typing': ['.'],
  'typing-faster': ['+', '='],
  'typing-slower': ['-'],
  'copy-command': ['y'],
  stop: ['x'],
  'show-logs': ['l'],
  'next-session': ['s'],
  'previous-session': ['S'],
  'session-0': ['0'],
  'session-1': ['1'],
  'session-2': ['2'],
  'session-3': ['3'],
  'session-4': ['4'],
  'session-5': ['5'],
  'session-6': ['6'],
  'session-7': ['7'],
  'session-8': ['8'],
  'session-9': ['9'],
  'focus-terminal': ['tab', 't'],
  'focus-narration': ['C-g'],
  zoom: ['z'],
  'split-narrower': ['<'],
  'split-wider': ['>'],
  'next-theme': ['T'],
  'scroll-up': ['up', 'k'],
  'scroll-down': ['down', 'j'],
  'page-up': ['pageup', 'b'],
  'page-down': ['pagedown', 'space'],
  top: ['home'],
  bottom: ['end'],
  'terminal-scroll-up': ['u'],
  'terminal-scroll-down': ['d'],
  'toggle-notes': ['o'],
  'toggle-follow': ['f'],
  help: ['?', 'h'],
  dismiss: ['escape'],
  redraw: ['C-l'],
  quit: ['q'],
  'quit-cleanup': ['Q'],
};

/** Key names blessed reports that mean the same key. */
const ALIASES: Record<string, string> = {
  return: 'enter',
  esc: 'escape',
  ' ': 'space',
  'S-space': 'space',
  pgup: 'pageup',
  pgdn: 'pagedown',
  backtab: 'S-tab',
};

/**
 * The canonical name of a key press, as keys.yaml writes it: a printable character is itself (`N`,
 * `?`, `[`), anything else is blessed's full name (`enter`, `C-c`, `S-tab`, `pagedown`, `f5`).
 */
export function canonicalKey(
  ch: string | undefined,
  key: { full?: string; name?: string; ctrl?: boolean; meta?: boolean },
): string {
  if (ch && !key.ctrl && !key.meta && ch.length === 1 && ch >= ' ' && ch !== '\x7f') {
    return ALIASES[ch] ?? ch;
  }
  const full = key.full ?? key.name ?? ch ?? '';
  return ALIASES[full] ?? full;
}

/** Reverse index of a keymap: key name → action. */
export function keyIndex(keymap: Keymap): Map<string, Action> {
  const index = new Map<string, Action>();
  for (const [action, keys] of Object.entries(keymap) as [Action, string[]][]) {
    for (const key of keys) if (!index.has(key)) index.set(key, action);
  }
  return index;
}

/**
 * Merge a user's bindings (parsed keys.yaml: action → key or list of keys) over the defaults. An
 * action given there loses its default keys; a key the user gives to an action is taken from any other
 * action that had it by default. Unknown actions and malformed values are errors the user can fix.
 */
export function mergeKeymap(user: unknown, source = 'keys.yaml'): Keymap {
  if (user === undefined || user === null) return { ...DEFAULT_KEYMAP };
  if (typeof user !== 'object' || Array.isArray(user)) {
    throw new DemystifyError('KEYS_INVALID', `${source}: expected a mapping of action: key(s)`, {
      hint: 'see docs/keys.md',
    });
  }
  const merged: Keymap = { ...DEFAULT_KEYMAP };
  const given = new Map<Action, string[]>();
  for (const [name, value] of Object.entries(user as Record<string, unknown>)) {
    if (!(name in ACTIONS)) {
      throw new DemystifyError('KEYS_INVALID', `${source}: unknown action '${name}'`, {
        hint: `actions: ${Object.keys(ACTIONS).join(', ')}`,
      });
    }
    const keys = Array.isArray(value) ? value : [value];
    if (!keys.every((k) => typeof k === 'string' || typeof k === 'number') || keys.length === 0) {
      throw new DemystifyError('KEYS_INVALID', `${source}: '${name}' wants a key or a list of keys`, {
        hint: 'e.g. run-step: [r, enter]',
      });
    }
    given.set(
      name as Action,
      keys.map((k) => ALIASES[String(k)] ?? String(k)),
    );
  }
  const taken = new Set([...given.values()].flat());
  for (const action of Object.keys(merged) as Action[]) {
    merged[action] = given.get(action) ?? merged[action].filter((k) => !taken.has(k));
  }
  return merged;
}
