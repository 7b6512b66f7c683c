import type { EmulatorLike, LiveTerminalDeps, PtyLike } from './terminal-deps.js';
import { FLOOD_FPS, ReadThrottle } from './read-throttle.js';
import { bufferLines } from './terminal-view.js';

/** How the live terminal is set up. */
export interface LiveTerminalOptions {
  /** The lesson's private tmux socket: the client attaches there, never to the user's server. */
  socket: string;
  cols: number;
  rows: number;
  /** Told when the screen changed, at most `maxFps` times a second. */
  onFrame: () => void;
  /** Default 20: a flooding component costs at most this many redraws a second (typing still looks smooth). */
  maxFps?: number;
}

/**
 * The terminal pane's engine: one tmux client on a pseudo-terminal, attached to the session shown,
 * its output parsed by a real terminal emulator (@xterm/headless), its screen read back as styled lines
 * at most `maxFps` times a second. Switching sessions is `switch-client` on that same client (no new
 * process, tmux redraws at once). A component that floods its output cannot slow the presenter: tmux
 * itself sends a client no more than a screen's worth of updates, the emulator parses in the background,
 * redraws are capped, and the pty is paused when parsing falls behind so memory stays bounded.
 */
export class LiveTerminal {
  private readonly options: LiveTerminalOptions;
  private readonly deps: LiveTerminalDeps;
  private cols: number;
  private rows: number;
  private pty: PtyLike | null = null;
  private emulator: EmulatorLike;
  private attachedTo: string | null = null;
  private clientTty: string | null = null;
  private wanted: string | null = null;
  /** When the pty reads and when it waits (read-throttle.ts). */
  private readonly flow = new ReadThrottle();
  private frameTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFrame = 0;
  private cached: { cursor: boolean; lines: string[] } | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Tasks queued and not finished (a switch of session among them). */
  private pending = 0;
  /** Keys typed while tasks were pending, sent in order once they are done. */
  private held: string[] = [];
  private closed = false;
  /** Bytes received from the tmux client since the start (for the benchmark). */
  bytesIn = 0;
  /** Frames signalled since the start (for the benchmark). */
  frames = 0;

  constructor(options: LiveTerminalOptions, deps: LiveTerminalDeps) {
    this.options = options;
    this.deps = deps;
    this.cols = Math.max(2, options.cols);
    this.rows = Math.max(1, options.rows);
    this.emulator = deps.createEmulator(this.cols, this.rows);
  }

  /** The session the client is attached to now (null: none, e.g. it does not exist yet). */
  get session(): string | null {
    return this.attachedTo;
  }

  /** The emulator's (and the client's) size. */
  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  /**
   * Show a session: attach when no client runs, else switch the client. Calls are serialised; a
   * session that does not exist (yet) is left alone: the presenter asks again when it does.
   */
  show(session: string): Promise<void> {
    this.wanted = session;
    return this.enqueue(async () => {
      if (this.closed || this.wanted !== session || this.attachedTo === session) return;
      if (!(await this.exists(session))) return;
      if (this.pty && this.attachedTo !== null) {
        const tty = await this.tty();
        if (tty) {
          try {
            await this.deps.tmux(['switch-client', '-c', tty, '-t', `=${session}`]);
            this.attachedTo = session;
            this.dirty();
            return;
          } catch {
            // The client went away meanwhile: attach afresh below.
          }
        }
        this.stopClient();
      }
      this.attach(session);
    });
  }

  /** Resize the emulator and the client's pty; tmux resizes the window to it (window-size latest). */
  resize(cols: number, rows: number): void {
    const c = Math.max(2, cols);
    const r = Math.max(1, rows);
    if (c === this.cols && r === this.rows) return;
    this.cols = c;
    this.rows = r;
    this.emulator.resize(c, r);
    this.pty?.resize(c, r);
    this.dirty();
  }

  /**
   * Keys typed while the pane has the focus, as the bytes the terminal sent. While a switch to another
   * session is on its way, they wait for it: typed at once after choosing a session, they would reach
   * the one shown before.
   */
  write(data: string): void {
    if (this.pending === 0 && this.held.length === 0) {
      this.pty?.write(data);
      return;
    }
    this.held.push(data);
    void this.enqueue(async () => {
      const keys = this.held.join('');
      this.held = [];
      if (keys) this.pty?.write(keys);
    });
  }

  /** Scroll the shown session's history: tmux copy mode, left on its own when back at the bottom. */
  async scroll(direction: 'up' | 'down'): Promise<void> {
    const session = this.attachedTo;
    if (!session) return;
    const target = `=${session}:`;
    if (direction === 'up')
      await this.deps.tmux(['copy-mode', '-e', '-u', '-t', target]).catch(() => undefined);
    else await this.deps.tmux(['send-keys', '-t', target, '-X', 'page-down']).catch(() => undefined);
  }

  /** The visible screen as styled lines, `cols` wide; with `cursor`, the cursor drawn inverted. */
  lines(cursor: boolean): string[] {
    if (this.cached && this.cached.cursor === cursor) return this.cached.lines;
    const lines = bufferLines(this.emulator.buffer.active, this.cols, this.rows, cursor);
    this.cached = { cursor, lines };
    return lines;
  }

  /** End the client (the session itself keeps running in tmux) and free the emulator. */
  close(): void {
    this.closed = true;
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.frameTimer = null;
    this.stopClient();
    this.emulator.dispose();
  }

  /** Wait until queued attach and switch operations are done (tests). */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.pending++;
    const done = (): void => void this.pending--;
    this.queue = this.queue
      .then(task, task)
      .catch(() => undefined)
      .finally(done);
    return this.queue;
  }

  private async exists(session: string): Promise<boolean> {
    try {
      await this.deps.tmux(['has-session', '-t', `=${session}`]);
      return true;
    } catch {
      return false;
    }
  }

  private async tty(): Promise<string | null> {
    if (this.clientTty || !this.pty) return this.clientTty;
    const pid = this.pty.pid;
    const out = await this.deps.tmux(['list-clients', '-F', '#{client_pid} #{client_tty}']).catch(() => '');
    for (const line of out.split('\n')) {
      const [p, tty] = line.trim().split(' ');
      if (Number(p) === pid && tty) this.clientTty = tty;
    }
    return this.clientTty;
  }

  private attach(session: string): void {
    this.emulator.reset();
    this.cached = null;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && k !== 'TMUX' && k !== 'TMUX_PANE') env[k] = v;
    env.TERM = 'xterm-256color';
    const pty = this.deps.spawnPty(
      'tmux',
      ['-S', this.options.socket, 'attach-session', '-t', `=${session}`],
      {
        cols: this.cols,
        rows: this.rows,
        env,
      },
    );
    this.pty = pty;
    this.attachedTo = session;
    this.clientTty = null;
    pty.onData((data) => {
      if (this.pty !== pty) return;
      this.bytesIn += data.length;
      if (this.flow.read(data.length)) this.flowControl();
      this.emulator.write(data, () => {
        if (this.flow.parsed(data.length) && this.pty === pty) this.flowControl();
        this.dirty();
      });
    });
    pty.onExit(() => {
      if (this.pty !== pty) return;
      // The session ended (a reset, a cleanup) or the client was detached: show why, attach again later.
      this.pty = null;
      this.attachedTo = null;
      this.clientTty = null;
      this.flow.reset();
      this.dirty();
    });
  }

  /** Pause or resume the pty as the flow says. */
  private flowControl(): void {
    const pty = this.pty;
    if (!pty) return;
    const pause = this.flow.shouldPause;
    if (pause === this.flow.paused) return;
    this.flow.paused = pause;
    if (pause) pty.pause();
    else pty.resume();
  }

  private stopClient(): void {
    const pty = this.pty;
    this.pty = null;
    this.attachedTo = null;
    this.clientTty = null;
    this.flow.reset();
    if (pty) {
      try {
        pty.kill('SIGHUP');
      } catch {
        // Already gone.
      }
    }
  }

  private dirty(): void {
    this.cached = null;
    if (this.frameTimer || this.closed) return;
    // A flood is unreadable at any rate: it is shown at FLOOD_FPS, which halves what it costs.
    const interval = 1000 / (this.flow.flooding() ? FLOOD_FPS : (this.options.maxFps ?? 20));
    const wait = Math.max(0, this.lastFrame + interval - Date.now());
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      this.lastFrame = Date.now();
      this.frames++;
      // Each frame gives the client more to read; still over, another frame will refill.
      const refilled = this.flow.frame();
      if (refilled) this.flowControl();
      else if (this.flow.shouldPause) this.dirty();
      this.options.onFrame();
    }, wait);
  }
}
