import type { ShellCommand, Word } from './shell-scan.js';

/** Words that run the next word as a program; their own options are skipped too. */
const WRAPPERS = new Set([
  'sudo',
  'env',
  'exec',
  'time',
  'nohup',
  'watch',
  'timeout',
  'nsenter',
  'command',
  'xargs',
]);

/**
 * The index of the program word of a command: after leading `NAME=value` assignments and wrappers such as
 * `sudo`, `env PATH=...`, `watch -n1`, `timeout 30`, `nsenter --net=...`. -1 when there is none.
 */
export function programIndex(command: ShellCommand): number {
  const { words } = command;
  let i = 0;
  while (i < words.length) {
    const text = words[i]?.text ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
      i++;
      continue;
    }
    if (WRAPPERS.has(basename(text))) {
      i++;
      // The wrapper's options, assignments (env) and a duration (timeout) come before the program.
      while (i < words.length && /^(-|[A-Za-z_][A-Za-z0-9_]*=|\d+[smhd]?$)/.test(words[i]?.text ?? '')) i++;
      continue;
    }
    return /^[<>]/.test(text) ? -1 : i;
  }
  return -1;
}

/** The program a command runs, as a bare name (`/usr/bin/kubectl`, `${lesson.bin}/etcd` -> `kubectl`, `etcd`). */
export function programName(command: ShellCommand): string | undefined {
  const at = programIndex(command);
  const name = at === -1 ? '' : basename(command.words[at]?.text ?? '');
  return name === '' ? undefined : name;
}

/** The last path segment of a word. */
export function basename(text: string): string {
  return text.slice(text.lastIndexOf('/') + 1);
}

/** A `--flag=value` or `--flag value` option of a command: the flag word and its value, if any. */
export interface FlagUse {
  word: Word;
  name: string;
  value?: string;
}

/**
 * The long options of a command after its program: `--name=value` gives the value inline; `--name value`
 * takes the next word as value when it does not start with `-` (a guess, as a shell cannot know either).
 */
export function flagsOf(command: ShellCommand): FlagUse[] {
  const start = programIndex(command);
  if (start === -1) return [];
  const out: FlagUse[] = [];
  const { words } = command;
  for (let i = start + 1; i < words.length; i++) {
    const word = words[i];
    if (!word || !word.text.startsWith('--') || word.text === '--') continue;
    const eq = word.text.indexOf('=');
    if (eq !== -1) {
      out.push({ word, name: word.text.slice(0, eq), value: word.text.slice(eq + 1) });
      continue;
    }
    const next = words[i + 1];
    if (next && !next.text.startsWith('-') && !/^[<>]/.test(next.text))
      out.push({ word, name: word.text, value: next.text });
    else out.push({ word, name: word.text });
  }
  return out;
}

/**
 * Options of the clients lessons use that take their value as the next word (`--kubeconfig admin.conf`),
 * so that value is not mistaken for a subcommand.
 */
const VALUE_OPTIONS = new Set([
  '--kubeconfig',
  '--context',
  '--namespace',
  '-n',
  '--server',
  '-s',
  '--cluster',
  '--user',
  '--selector',
  '-l',
  '--output',
  '-o',
  '--filename',
  '-f',
  '--endpoints',
  '--cacert',
  '--cert',
  '--key',
  '--address',
  '-a',
  '--connection',
  '--timeout',
]);

/** The positional (non-option) words after the program, in order; redirections and their targets are not. */
export function argumentsOf(command: ShellCommand): Word[] {
  const start = programIndex(command);
  if (start === -1) return [];
  const out: Word[] = [];
  const { words } = command;
  for (let i = start + 1; i < words.length; i++) {
    const text = words[i]?.text ?? '';
    if (/^[<>]/.test(text)) {
      i++;
      continue;
    }
    if (text.startsWith('-')) {
      if (VALUE_OPTIONS.has(text)) i++;
      continue;
    }
    const word = words[i];
    if (word) out.push(word);
  }
  return out;
}
