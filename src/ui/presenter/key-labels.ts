import type { Action, Keymap } from './keymap.js';

/** How keys are shown to a person: the help panel's groups and the labels of keys. */

/** Groups of actions, in the order the help panel and docs/keys.md show them. */
export const ACTION_GROUPS: { title: string; actions: Action[] }[] = [
  {
    title: 'Steps and chapters',
    actions: [
      'run-step',
      'next-step',
      'previous-step',
      'next-chapter',
      'previous-chapter',
      'jump-chapter',
      'replay-chapter',
      'run-chapter',
      'stop',
      'show-logs',
      'finish-typing',
      'typing-faster',
      'typing-slower',
      'copy-command',
    ],
  },
  {
    title: 'Terminal',
    actions: [
      'focus-terminal',
      'focus-narration',
      'next-session',
      'previous-session',
      'session-0',
      'session-1',
      'terminal-scroll-up',
      'terminal-scroll-down',
      'toggle-follow',
    ],
  },
  {
    title: 'Screen',
    actions: [
      'zoom',
      'split-narrower',
      'split-wider',
      'next-theme',
      'scroll-up',
      'scroll-down',
      'page-up',
      'page-down',
      'top',
      'bottom',
      'toggle-notes',
      'help',
      'dismiss',
      'redraw',
      'quit',
      'quit-cleanup',
    ],
  },
];

/** How a key is shown to a person: `enter` → `Enter`, `C-g` → `Ctrl-g`, `space` → `Space`. */
export function keyLabel(key: string): string {
  if (key.length === 1) return key;
  const named: Record<string, string> = {
    enter: 'Enter',
    escape: 'Esc',
    space: 'Space',
    tab: 'Tab',
    'S-tab': 'Shift-Tab',
    up: '↑',
    down: '↓',
    left: '←',
    right: '→',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    home: 'Home',
    end: 'End',
  };
  if (named[key]) return named[key];
  return key.replace(/^C-/, 'Ctrl-').replace(/^M-/, 'Alt-').replace(/^S-/, 'Shift-');
}

/** The keys of an action as shown to a person (`r/Enter`); empty when it has none. */
export function keysOf(keymap: Keymap, action: Action): string {
  return keymap[action].map(keyLabel).join('/');
}
