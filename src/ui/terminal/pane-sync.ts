import type { EngineState } from '../../engine/machine.js';
import type { LiveTerminal } from './live-terminal.js';
import type { SessionMonitor } from '../presenter/session-monitor.js';
import { planSync, sizeHookCommand, UNHOOK_COMMAND } from './terminal-sync.js';

/**
 * The terminal pane's side effects on the lesson's tmux server: the client shows the session the UI
 * wants, windows are fitted to the pane, and a hook sizes every window made from now on (the pure
 * decisions are in terminal-sync.ts).
 */
export class PaneSync {
  /** A batch of window fits is running (they must not interleave). */
  private fitting = false;
  /** The pane size the lesson's session-created hook sizes new windows to. */
  private hooked = '';
  /** tmux commands about the hook, one after the other (a later size must land last). */
  private hooks: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly terminal: LiveTerminal,
    private readonly monitor: SessionMonitor,
    private readonly tmux: (args: string[]) => Promise<string>,
  ) {}

  /** Bring the client to `session` when that is safe, and windows to the pane's size. */
  sync(session: string, engine: EngineState): void {
    const plan = planSync(session, engine, this.monitor.current, this.terminal);
    // In order, one after the other: `resize-window` pins a window's size and the `set-option -wu` after
    // it unpins it; run side by side, the unpin could land first and leave the window pinned.
    if (plan.fit.length > 0 && !this.fitting) {
      this.fitting = true;
      void (async () => {
        for (const command of plan.fit) await this.tmux(command).catch(() => undefined);
      })().finally(() => (this.fitting = false));
    }
    if (plan.show) void this.terminal.show(session);
  }

  /** The pane has a new size: the client's pty, and the size new windows are made at. */
  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
    const size = this.terminal.size;
    const key = `${size.cols}x${size.rows}`;
    if (key === this.hooked) return;
    this.hooked = key;
    const command = sizeHookCommand(size);
    this.hooks = this.hooks.then(() => this.tmux(command)).catch(() => undefined);
  }

  /** Remove the hook: sessions made after the presenter closed keep tmux's own size. */
  async release(): Promise<void> {
    this.hooked = '';
    await this.hooks;
    await this.tmux(UNHOOK_COMMAND).catch(() => undefined);
  }
}
