import type { Typing, TypingPace } from '../../engine/ports.js';
import { DemystifyError } from '../../errors.js';
import { runFile } from '../processes/exec-file.js';
import { shellQuote } from './shell-rc.js';

/** Options of a private tmux server. */
export interface TmuxOptions {
  /** The server's socket (`tmux -S`): one per work directory, never the user's default server. */
  socket: string;
  /** tmux configuration file (`-f`); `/dev/null` ignores the user's ~/.tmux.conf. */
  configFile?: string;
  /**
   * Command the server is started through, e.g. `['nsenter', '--net=/run/netns/demo']`, so that every
   * session lives in a network namespace (isolation). Only the call that starts the server uses it.
   */
  prefix?: string[];
  /** Environment of the server, inherited by every session (the engine's process marker lives here). */
  env?: Record<string, string>;
  /** Milliseconds between two keys when typing like a person (default 35, with jitter). */
  keyDelayMs?: number;
  /** Injectable sleep (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** A new session: a command (argv) in a folder, its output appended to a log file. */
export interface NewSession {
  name: string;
  cwd: string;
  command: string[];
  env?: Record<string, string>;
  logFile: string;
  width?: number;
  height?: number;
}

/**
 * A private tmux server. Every call names the socket explicitly and strips TMUX from the environment,
 * so nothing ever reaches the user's own server, even when demystify runs inside tmux.
 */
export class Tmux {
  readonly socket: string;
  private readonly options: TmuxOptions;
  private buffers = 0;

  constructor(options: TmuxOptions) {
    this.socket = options.socket;
    this.options = options;
  }

  /** Run one tmux command list (use ';' as a separate argument between commands); returns stdout. */
  async run(args: string[], options: { input?: string; prefixed?: boolean } = {}): Promise<string> {
    const base = [
      '-S',
      this.socket,
      ...(this.options.configFile ? ['-f', this.options.configFile] : []),
      ...args,
    ];
    const prefix = options.prefixed ? (this.options.prefix ?? []) : [];
    const [file, ...rest] = prefix.length > 0 ? [...prefix, 'tmux', ...base] : ['tmux', ...base];
    const env = { ...withoutTmux(process.env), ...(this.options.env ?? {}) };
    const result = await runFile(file!, rest, {
      env,
      ...(options.input === undefined ? {} : { input: options.input }),
    });
    if (result.errorCode === 'ENOENT') {
      // The program that could not be found: tmux itself, or the prefix entering a namespace (nsenter).
      const hint =
        file === 'tmux'
          ? 'install it: apt-get install tmux'
          : `install it (${file === 'nsenter' ? 'nsenter comes with util-linux: apt-get install util-linux' : `apt-get install ${file}`})`;
      throw new DemystifyError('TMUX_MISSING', `${file} is not installed (or not on PATH)`, { hint });
    }
    if (result.exitCode !== 0) {
      const message = (result.stderr || result.stdout || result.errorCode || '').trim();
      throw new DemystifyError(absenceCode(message) ?? 'TMUX', `tmux ${args[0]} failed: ${message}`);
    }
    return String(result.stdout);
  }

  /** The server's process id, or undefined when no server answers on the socket. */
  async serverPid(): Promise<number | undefined> {
    try {
      const out = await this.run(['display-message', '-p', '#{pid}']);
      const pid = Number(out.trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  /** Names of the sessions on the server ([] when it is not running). */
  async sessions(): Promise<string[]> {
    try {
      const out = await this.run(['list-sessions', '-F', '#{session_name}']);
      return out.split('\n').filter(Boolean);
    } catch (error) {
      if (isAbsent(error)) return [];
      throw error;
    }
  }

  /** Whether a session of exactly this name exists. */
  async hasSession(name: string): Promise<boolean> {
    return (await this.sessions()).includes(name);
  }

  /**
   * Create a detached session and start logging it, in one tmux command list: the pipe is in place
   * before the server reads the first byte the command prints. Returns the server's and pane's pids.
   */
  async newSession(spec: NewSession): Promise<{ serverPid: number; panePid: number }> {
    const env = Object.entries(spec.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const size = ['-x', String(spec.width ?? 200), '-y', String(spec.height ?? 50)];
    const target = `=${spec.name}:`;
    const out = await this.run(
      [
        'new-session',
        '-d',
        '-s',
        spec.name,
        '-c',
        spec.cwd,
        ...size,
        ...env,
        ...spec.command,
        ';',
        'pipe-pane',
        '-t',
        target,
        '-o',
        pipeCommand(spec.logFile),
        ';',
        'display-message',
        '-p',
        '-t',
        target,
        '#{pid} #{pane_pid}',
      ],
      { prefixed: true },
    );
    const [serverPid, panePid] = out.trim().split(/\s+/).map(Number);
    return { serverPid: serverPid ?? 0, panePid: panePid ?? 0 };
  }

  /** The process id of the session's pane (its shell). */
  async panePid(name: string): Promise<number | undefined> {
    try {
      const pid = Number(
        (await this.run(['display-message', '-p', '-t', `=${name}:`, '#{pane_pid}'])).trim(),
      );
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  /** Send tmux key names (`Enter`, `C-c`) to a session. */
  async sendKeys(name: string, ...keys: string[]): Promise<void> {
    await this.run(['send-keys', '-t', `=${name}:`, ...keys]);
  }

  /**
   * Type text and press Enter. Instant: one bracketed paste, so tabs and any byte arrive exactly as
   * written, and several lines reach bash as one block (see {@link pasteAndEnter}). Human: key by key
   * with a small random delay; the text is one line then (the terminal types lines one by one).
   */
  async typeLine(name: string, line: string, speed: Typing, pace?: TypingPace): Promise<void> {
    if (speed === 'instant' || line.length === 0 || pace?.hurry) {
      await this.pasteAndEnter(name, line);
      return;
    }
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const keyDelay = (): number => pace?.keyDelayMs() ?? this.options.keyDelayMs ?? 35;
    const keys = ['send-keys', '-t', `=${name}:`];
    const chars = Array.from(line);
    for (const [i, char] of chars.entries()) {
      // Hurried (the presenter's "finish typing"): the rest of the line in one paste, then Enter.
      if (pace?.hurry) {
        await this.pasteAndEnter(name, chars.slice(i).join(''));
        return;
      }
      const delay = keyDelay();
      const code = char.codePointAt(0) ?? 0;
      // Hex keys avoid tmux's own parsing (a lone ';' separates commands); a tab is quoted (C-v) so
      // readline inserts it instead of completing; anything else is pasted.
      if (char === '\t') await this.run([...keys, 'C-v', ';', ...keys, '-H', '09']);
      else if (code >= 0x20 && code < 0x7f) await this.run([...keys, '-H', code.toString(16)]);
      else await this.paste(name, char);
      await sleep(Math.round(delay * (0.5 + Math.random())));
    }
    await sleep(keyDelay() * 3);
    await this.sendKeys(name, 'Enter');
  }

  /**
   * Paste text into a session and press Enter, in one tmux command list (one process instead of three:
   * load-buffer waits for its stdin before the next command runs). The paste is bracketed, as bash asks
   * for at its prompt, so readline inserts a block of lines whole (tmux sends each newline as a carriage
   * return, which readline's bracketed paste reads back as a newline) and the Enter after it accepts the
   * block; `-d` deletes the buffer. Empty text: just Enter.
   */
  async pasteAndEnter(name: string, text: string): Promise<void> {
    const target = `=${name}:`;
    if (text.length === 0) return this.sendKeys(name, 'Enter');
    const buffer = `demystify-${process.pid}-${this.buffers++}`;
    const load = ['load-buffer', '-b', buffer, '-'];
    const paste = ['paste-buffer', '-p', '-d', '-b', buffer, '-t', target];
    await this.run([...load, ';', ...paste, ';', 'send-keys', '-t', target, 'Enter'], { input: text });
  }

  /** Paste text into a session (bracketed when the program asked for it, as bash does). */
  async paste(name: string, text: string): Promise<void> {
    const buffer = `demystify-${process.pid}-${this.buffers++}`;
    const paste = ['paste-buffer', '-p', '-d', '-b', buffer, '-t', `=${name}:`];
    await this.run(['load-buffer', '-b', buffer, '-', ';', ...paste], { input: text });
  }

  /** End one session (its processes get SIGHUP). Missing session: nothing to do. */
  async killSession(name: string): Promise<void> {
    try {
      await this.run(['kill-session', '-t', `=${name}`]);
    } catch (error) {
      // Already gone: killing twice is fine.
      if (!isAbsent(error)) throw error;
    }
  }

  /** End the server. No server: nothing to do. */
  async killServer(): Promise<void> {
    try {
      await this.run(['kill-server']);
    } catch (error) {
      // No server on this socket.
      if (!isAbsent(error)) throw error;
    }
  }
}

/**
 * The answers of tmux that mean "not there", the expected case of asking a server that is not running or
 * a session that does not exist. Anything else (tmux missing, a socket we may not open) is an error.
 */
function absenceCode(message: string): string | undefined {
  if (/^no server running on /m.test(message)) return 'TMUX_NO_SERVER';
  if (/^error connecting to .* \((No such file or directory|Connection refused)\)/m.test(message))
    return 'TMUX_NO_SERVER';
  if (/^(can't find (session|window|pane)|session not found)/m.test(message)) return 'TMUX_NO_SESSION';
  return undefined;
}

/** Whether an error of {@link Tmux.run} says the server or the session is not there. */
function isAbsent(error: unknown): boolean {
  return (
    error instanceof DemystifyError && (error.code === 'TMUX_NO_SERVER' || error.code === 'TMUX_NO_SESSION')
  );
}

/** The pipe-pane command appending a session's output to its log, created owner-only if missing. */
export function pipeCommand(logFile: string): string {
  return `umask 077; exec cat >> ${shellQuote(logFile)}`;
}

function withoutTmux(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && k !== 'TMUX' && k !== 'TMUX_PANE') out[k] = v;
  return out;
}

/**
 * Attach the calling terminal to a session of a private server (blocks until the user detaches).
 * Returns tmux's exit code.
 */
export async function attachTerminal(socket: string, session: string): Promise<number> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('tmux', ['-S', socket, 'attach-session', '-t', `=${session}`], {
      stdio: 'inherit',
      env: withoutTmux(process.env),
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
