import type { EmulatorLike, LiveTerminalDeps, PtyLike } from './terminal-deps.js';
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

/** Bytes given to the emulator and not parsed yet above which the pty is paused (backpressure). */
const HIGH_WATER = 512 * 1024;
const LOW_WATER = 64 * 1024;
/**
 * How much the client may read: a bucket of bytes that fills by FRAME_REFILL a frame up to BUCKET; once
 * empty, the pty waits for the next frame. A switch of session or a burst (a whole screen redrawn)
 * comes through at once; a program that floods its output fills tmux's buffer for this client instead,
 * and tmux stops sending it every scrolled line, redrawing the whole pane once the client has caught up
 * (its own "blocked client" handling): the emulator parses a few screens a second instead of every
 * line of `yes`.
 */
const BUCKET = 96 * 1024;
const FRAME_REFILL = 4 * 1024;
/** Frames a second while a program floods the pane (the bucket ran dry in the last second). */
const FLOOD_FPS = 10;

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
  private pending = 0;
  /** The pty is paused: the emulator is behind (backlog), or this frame's budget is spent (throttled). */
  private paused = false;
  private backlog = false;
  private throttled = false;
  /** Bytes the client may still read before the next frame (see BUCKET). */
  private budget = BUCKET;
  /** Epoch ms the bucket last ran dry: a flood is on, frames slow down to FLOOD_FPS. */
  private dryAt = 0;
  private frameTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFrame = 0;
  private cached: { cursor: boolean; lines: string[] } | null = null;
  private queue: Promise<void> = Promise.resolve();
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

  /** Keys typed while the pane has the focus, as the bytes the terminal sent. */
  write(data: string): void {
    this.pty?.write(data);
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
    this.queue = this.queue.then(task, task).catch(() => undefined);
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
      this.pending += data.length;
      // A debt deeper than one refill is forgiven: what was read already was read.
      this.budget = Math.max(-FRAME_REFILL, this.budget - data.length);
      if (this.pending > HIGH_WATER) this.backlog = true;
      if (this.budget <= 0) {
        this.throttled = true;
        this.dryAt = Date.now();
      }
      this.flowControl();
      this.emulator.write(data, () => {
        this.pending -= data.length;
        if (this.backlog && this.pending < LOW_WATER && this.pty === pty) {
          this.backlog = false;
          this.flowControl();
        }
        this.dirty();
      });
    });
    pty.onExit(() => {
      if (this.pty !== pty) return;
      // The session ended (a reset, a cleanup) or the client was detached: show why, attach again later.
      this.pty = null;
      this.attachedTo = null;
      this.clientTty = null;
      this.resetFlow();
      this.dirty();
    });
  }

  /** Pause the pty while the emulator is behind or the frame's budget is spent; resume otherwise. */
  private flowControl(): void {
    const pause = this.backlog || this.throttled;
    if (!this.pty || pause === this.paused) return;
    this.paused = pause;
    if (pause) this.pty.pause();
    else this.pty.resume();
  }

  private resetFlow(): void {
    this.pending = 0;
    this.paused = false;
    this.backlog = false;
    this.throttled = false;
    this.budget = BUCKET;
  }

  private stopClient(): void {
    const pty = this.pty;
    this.pty = null;
    this.attachedTo = null;
    this.clientTty = null;
    this.resetFlow();
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
    const flooding = Date.now() - this.dryAt < 1000;
    const interval = 1000 / (flooding ? FLOOD_FPS : (this.options.maxFps ?? 20));
    const wait = Math.max(0, this.lastFrame + interval - Date.now());
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      this.lastFrame = Date.now();
      this.frames++;
      // Each frame gives the client more to read.
      this.budget = Math.min(BUCKET, this.budget + FRAME_REFILL);
      if (this.throttled && this.budget > 0) {
        this.throttled = false;
        this.flowControl();
      } else if (this.throttled) {
        // Still over (one read can overdraw): another frame will refill, whether data comes or not.
        this.dirty();
      }
      this.options.onFrame();
    }, wait);
  }
}
