import { writeFileSafely } from '../files/write-file-safely.js';

/**
 * The bash start-up file of every session (`bash --rcfile FILE -i`). It installs the prompt whose
 * marks (see shell-marks.ts) tell the engine when a command ended and with which status, so commands are
 * typed exactly as the lesson writes them and nothing is ever appended to them. The user's own ~/.bashrc
 * is deliberately not read: a workshop must behave the same on every machine.
 */
function shellRcText(options: { historyFile: string }): string {
  return `# Written by demystify: the prompt of the lesson's sessions.
# PATH is set here again because bash was started by tmux, whose environment may be older.
if [ -n "\${DEMYSTIFY_PATH:-}" ]; then export PATH="$DEMYSTIFY_PATH"; fi
# A lesson's "echo hello!" must not trigger history expansion.
set +H
HISTFILE=${shellQuote(options.historyFile)}
HISTSIZE=5000
HISTCONTROL=ignorespace
# Bracketed paste: readline takes a pasted block of lines (a heredoc) whole, for Enter to accept at once,
# and tabs in a paste stay tabs. Pasted text is not highlighted: the audience sees a command as if typed.
bind 'set enable-bracketed-paste on' 2>/dev/null
bind 'set enable-active-region off' 2>/dev/null
# Multi-line commands stay one history entry, with their line breaks.
shopt -s cmdhist lithist
# D;status: the last command ended (printed before every prompt, first thing, so $? is intact).
# Then 633;E;LINE: the command line just read, when one was added to the history (learner mode compares
# it with the step; % and control characters are %-escaped so the sequence stays whole).
__demystify_prompt() {
  local s=$? c
  printf '\\033]133;D;%s\\007' "$s"
  history -a 2>/dev/null
  if [[ $HISTCMD != "\${__demystify_histcmd:-}" ]]; then
    __demystify_histcmd=$HISTCMD
    c=$(HISTTIMEFORMAT= history 1 2>/dev/null); c=\${c#*[0-9]  }
    c=\${c//%/%25}; c=\${c//$'\\n'/%0A}; c=\${c//$'\\a'/%07}; c=\${c//$'\\e'/%1B}
    printf '\\033]633;E;%s\\007' "$c"
  fi
  return $s
}
PROMPT_COMMAND=__demystify_prompt
# C: a command line was read and starts to run.
PS0=$'\\033]133;C\\007'
# A: primary prompt, B: end of prompt; A;k=s: continuation prompt.
PS1='\\[\\033]133;A\\007\\]\\[\\033[1;32m\\]\\W\\[\\033[0m\\] \\$ \\[\\033]133;B\\007\\]'
PS2='\\[\\033]133;A;k=s\\007\\]> '
`;
}

/** Write the start-up file (its folder is created). */
export async function writeShellRc(file: string, options: { historyFile: string }): Promise<void> {
  await writeFileSafely(file, shellRcText(options), { mode: 0o600, parents: true });
}

/** Quote a word for sh/bash: single quotes, with embedded single quotes escaped. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
