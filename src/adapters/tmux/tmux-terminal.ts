import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { DemystifyError } from '../../errors.js';
import type { CommandResult } from '../../engine/outcome.js';
import type { Terminal, TypedCommand, Typing, TypingPace } from '../../engine/ports.js';
import { logSize, logTail, readLogFrom, waitForLog } from './session-log.js';
import { chunkAt, type Chunk } from './shell-chunks.js';
import { commandStartOffset, lineCycle, shellIdle } from './shell-marks.js';
import { privateFolder } from '../workdir/engine-files.js';
import { pipeCommand, type Tmux } from './tmux.js';

/** What the terminal needs to know about the lesson's machine. */
export interface TerminalOptions {
  tmux: Tmux;
  /** The lesson's work directory: every session starts there. */
  workdir: string;
  /** Folder of the session logs (`<session>.log`). */
  logsDir: string;
  /** The bash start-up file that installs the marking prompt (shell-rc.ts). */
  rcFile: string;
  /** PATH of every session: the lesson's bin/ (or --bin-dir), demystify's own folder, the user's PATH. */
  path: string;
  /** Told about every session created, with the process ids to record. */
  onSession?: (info: { session: string; serverPid: number; panePid: number }) => Promise<void>;
  /** How long a new shell may take to show its first prompt (default 10 s). */
  shellStartTimeoutMs?: number;
}

/**
 * The Terminal port on a private tmux server. Each session runs `bash --rcfile RC -i`; a command is
 * typed exactly as written (a line, or a block bash reads as one command, at a time), and the prompt's marks in the session's log say when each
 * line ended and how (shell-marks.ts), so `cd` and `export` carry over as in a person's terminal.
 */
export class TmuxTerminal implements Terminal {
  private readonly options: TerminalOptions;

  constructor(options: TerminalOptions) {
    this.options = options;
  }

  /** The log file of a session. */
  logFile(session: string): string {
    return join(this.options.logsDir, `${session}.log`);
  }

  /** Create a session with the engine's shell unless it exists; resolves at its first prompt. */
  async ensureSession(session: string): Promise<void> {
    const { tmux } = this.options;
    const logFile = this.logFile(session);
    if (await tmux.hasSession(session)) {
      // Its log was removed (`rm -rf logs/`): tmux still writes to the removed file, so pipe it anew.
      if (!existsSync(logFile)) await this.repipe(session, logFile);
      return;
    }
    await privateFolder(this.options.logsDir);
    await privateLog(logFile);
    const offset = await logSize(logFile);
    const pids = await tmux.newSession({
      name: session,
      cwd: this.options.workdir,
      command: ['bash', '--noprofile', '--rcfile', this.options.rcFile, '-i'],
      // DEMYSTIFY_WORKDIR: a `demystify status` or `cleanup` typed in a session, with no lesson and no
      // --workdir, means this lesson's work directory, wherever it is (see cli/common.ts).
      env: {
        PATH: this.options.path,
        DEMYSTIFY_PATH: this.options.path,
        DEMYSTIFY_SESSION: session,
        DEMYSTIFY_WORKDIR: this.options.workdir,
      },
      logFile,
    });
    await this.options.onSession?.({ session, ...pids });
    const signal = AbortSignal.timeout(this.options.shellStartTimeoutMs ?? 10_000);
    await waitForLog(logFile, offset, (text) => (shellIdle(text) ? true : undefined), signal).catch(() => {
      throw new DemystifyError('SHELL_START', `the shell of session '${session}' showed no prompt`, {
        hint: `see ${logFile}`,
      });
    });
  }

  /** Pipe a session's output to a new log file (the old pipe is closed first). */
  private async repipe(session: string, logFile: string): Promise<void> {
    await privateFolder(this.options.logsDir);
    await privateLog(logFile);
    const target = `=${session}:`;
    await this.options.tmux.run([
      'pipe-pane',
      '-t',
      target,
      ';',
      'pipe-pane',
      '-t',
      target,
      '-o',
      pipeCommand(logFile),
    ]);
  }

  async type(
    session: string,
    command: string,
    options: { typing: Typing; signal: AbortSignal; interrupt?: AbortSignal; pace?: TypingPace },
  ): Promise<TypedCommand> {
    await this.ensureSession(session);
    const logFile = this.logFile(session);
    const size = await logSize(logFile);
    if (shellIdle(await readLogFrom(logFile, Math.max(0, size - 16_384))) === false) {
      throw new DemystifyError('SESSION_BUSY', `session '${session}' is still running a command`, {
        hint: `look at it with 'demystify attach ${session}', or bring the machine back with 'demystify replay'`,
      });
    }
    const lines = command.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
    let markStarted: (value: { logOffset: number }) => void = () => undefined;
    const started = new Promise<{ logOffset: number }>((resolve) => (markStarted = resolve));
    const ended = this.typeLines(session, lines, options, markStarted);
    // Whoever stops listening (a session step once ready) must not leave a rejection unhandled.
    ended.catch(() => undefined);
    void ended.then(
      async () => markStarted({ logOffset: await logSize(logFile) }),
      () => undefined,
    );
    return { started, ended };
  }

  /**
   * Type the command's lines and follow the shell's cycles. Instant typing pastes a chunk at a time
   * (shell-chunks.ts: a here-document, a quoted or `\`-continued line, in one bracketed paste and one
   * Enter), so a 25-line heredoc costs one round trip instead of 25, each waiting for its continuation
   * prompt. Separate commands are still typed one at a time, each waited for, so the first one that
   * fails stops the step. Human typing, and lines after a chunk the lexer could not follow until bash
   * is back at its prompt, go line by line as a person types them, each continuation prompt awaited.
   */
  private async typeLines(
    session: string,
    lines: string[],
    options: { typing: Typing; signal: AbortSignal; interrupt?: AbortSignal; pace?: TypingPace },
    markStarted: (value: { logOffset: number }) => void,
  ): Promise<CommandResult> {
    const logFile = this.logFile(session);
    let exitStatus = 0;
    const outputs: string[] = [];
    // Whether the next line starts outside any quote or here-document, as the lexer knows it.
    let clean = true;
    for (let i = 0; i < lines.length;) {
      // Nothing more is typed once the step is given up (ended) or interrupted (Ctrl-C on the run).
      if (options.signal.aborted) throw new Error('aborted');
      if (options.interrupt?.aborted) return { exitStatus: 130, output: outputs.join('') };
      const chunk: Chunk =
        options.typing === 'instant' && clean ? chunkAt(lines, i) : { end: i + 1, lost: !clean };
      const before = await logSize(logFile);
      await this.options.tmux.typeLine(
        session,
        lines.slice(i, chunk.end).join('\n'),
        options.typing,
        options.pace,
      );
      i = chunk.end;
      if (i === lines.length) {
        void waitForLog(
          logFile,
          before,
          (text) => commandStartOffset(text) ?? (lineCycle(text) ? text.length : undefined),
          options.signal,
        ).then(
          async (chars) => {
            const text = await readLogFrom(logFile, before);
            markStarted({ logOffset: before + Buffer.byteLength(text.slice(0, chars)) });
          },
          () => undefined,
        );
      }
      const cycle = await waitForLog(logFile, before, lineCycle, options.signal);
      // Back at the prompt, bash starts afresh; still reading, it is where the lexer left it (if known).
      clean = cycle.kind === 'prompt' || !chunk.lost;
      if (cycle.kind === 'continuation' || !cycle.ran) continue;
      outputs.push(cycle.output);
      exitStatus = cycle.status;
      if (exitStatus !== 0) break;
    }
    return { exitStatus, output: outputs.join('') };
  }

  async interrupt(session: string): Promise<void> {
    await this.options.tmux.sendKeys(session, 'C-c');
  }

  async logTail(session: string, lines: number): Promise<string[]> {
    return logTail(this.logFile(session), lines);
  }
}

/** Create a session log owner-only (0600), or make an existing one so: it records everything typed and shown. */
async function privateLog(file: string): Promise<void> {
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
}
