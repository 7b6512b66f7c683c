import type { EngineEvent } from '../../engine/machine.js';
import { layoutOf, renderFrame, terminalRegion, type Frame } from './frame.js';
import { keyIndex, type Action } from './keymap.js';
import { innerRect, overlaps } from './layout.js';
import { onOverlayKey } from './overlays.js';
import type { Words } from './i18n.js';
import { wordsFor } from './words-for.js';
import { PaneSync } from '../terminal/pane-sync.js';
import { PresenterView } from './presenter-view.js';
import { performCommand, type CommandHost } from './presenter-commands.js';
import type { PresenterExit, PresenterParts } from './presenter-parts.js';
import { onAction } from './ui-actions.js';
import {
  expireMessage,
  initialUi,
  onEngineEvent,
  say,
  sessionsOf,
  type UiCommand,
  type UiContext,
  type UiState,
} from './ui-state.js';

export type { PresenterExit, PresenterHooks, PresenterParts } from './presenter-parts.js';

/**
 * The presenter's loop: render frames from the engine's state and the UI state, turn keys into UI
 * actions and engine events, keep the terminal pane on the session the UI shows. It owns no decision
 * about what runs: `run-step`, `replay-chapter` and the rest are events the engine's machine accepts
 * or ignores. Resolves when the user quits.
 */
export class Presenter {
  private ui: UiState;
  private readonly parts: PresenterParts;
  private readonly view: PresenterView;
  private readonly now: () => number;
  private readonly startedAt: () => number;
  private readonly keys: Map<string, Action>;
  private readonly sessions: string[];
  private lastFrame: Frame | null = null;
  private readonly pane: PaneSync;
  private readonly host: CommandHost;
  private readonly words: Words;
  private renderTimer: ReturnType<typeof setTimeout> | null = null;
  private clock: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  private finish: ((exit: PresenterExit) => void) | null = null;

  constructor(parts: PresenterParts) {
    this.parts = parts;
    this.now = parts.now ?? Date.now;
    this.keys = keyIndex(parts.keymap);
    const engine = parts.engine.getState();
    this.sessions = sessionsOf(parts.lesson, engine);
    const kept = parts.settings?.initial ?? {};
    this.ui = { ...initialUi(engine), theme: kept.theme ?? 'dark', split: kept.split ?? null };
    // The talk's clock is the speaker view's (state.json, kept across openings); without it, this opening.
    const openedAt = this.now();
    this.startedAt = () => parts.talkStartedAt?.() ?? openedAt;
    this.pane = new PaneSync(parts.terminal, parts.monitor, parts.tmux);
    this.words = wordsFor(parts.lesson.lang);
    this.view = new PresenterView(parts, this.words, this.now, this.startedAt);
    this.host = {
      parts,
      words: this.words,
      restarting: false,
      quit: (exit) => {
        this.saveSettings();
        this.stop();
        this.finish?.(exit);
      },
      tell: (text) => {
        this.ui = { ...this.ui, message: text === null ? null : say(text, this.now()) };
        this.render();
      },
      saveSettings: () => this.saveSettings(),
    };
    if (parts.hooks?.initialUi) this.ui = parts.hooks.initialUi(this.ui);
  }

  /** Change the UI state from outside (a mode's hooks), then draw. */
  updateUi(change: (ui: UiState) => UiState): void {
    const before = this.ui;
    this.ui = change(this.ui);
    if (this.ui.zoom !== before.zoom || this.ui.notes !== before.notes) this.resizeTerminal();
    if (this.ui.session !== before.session) this.syncTerminal();
    this.schedule();
  }

  /** Open: draw, follow the engine, the monitor and the keys until the user quits. */
  run(): Promise<PresenterExit> {
    const { engine, monitor } = this.parts;
    this.unsubscribe = engine.subscribe((state, event) => {
      this.ui = onEngineEvent(this.ui, state, event, this.now());
      // "Finish typing" is for the step that was being typed, not the next one.
      if (event.type === 'step-started' && this.parts.pace) this.parts.pace.hurry = false;
      // Sessions appear and stop with steps: look at tmux now rather than at the next tick.
      void monitor.poll();
      this.syncTerminal();
      this.schedule();
    });
    this.resizeTerminal();
    this.syncTerminal();
    // The clock and the "running 3s" labels move once a second; a window fit or a session switch that
    // had to wait is caught up then too.
    this.clock = setInterval(() => {
      this.ui = expireMessage(this.ui, this.parts.engine.getState(), this.now());
      this.syncTerminal();
      this.schedule();
    }, 1000);
    this.render();
    void monitor.poll();
    return new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** A key from the screen. */
  onKey(name: string, sequence: string): void {
    if (this.parts.hooks?.onKey?.(name, sequence, this.ui)) return;
    const action = this.keys.get(name);
    if (this.ui.focus === 'terminal' && !this.ui.overlay) {
      // Every key goes to the session, except the one that gives the keys back to the presenter.
      if (action === 'focus-narration') this.apply(onAction(this.ui, action, this.context()));
      else if (sequence) this.parts.terminal.write(sequence);
      return;
    }
    if (this.ui.overlay) {
      this.apply(onOverlayKey(this.ui, name, action, this.context()));
      return;
    }
    if (action) this.apply(onAction(this.ui, action, this.context()));
  }

  /** The terminal was resized. */
  onResize(): void {
    this.resizeTerminal();
    this.render();
  }

  /** The session monitor saw a change: a session appeared or ended, a component stopped. */
  onSessions(): void {
    this.syncTerminal();
    this.schedule();
  }

  /** The live terminal has a new screen: redraw its pane only. */
  onTerminalFrame(): void {
    const frame = this.lastFrame;
    // A render is on its way (the UI or the engine changed): it draws the terminal too, where it goes.
    if (!frame || this.renderTimer) return;
    const at = frame.regions.findIndex((r) => r.id === 'terminal');
    const drawn = frame.regions[at];
    if (!drawn) return;
    const { x, y, width, height } = drawn;
    const region = terminalRegion(this.view.input(this.ui, frame.width, frame.height), {
      x,
      y,
      width,
      height,
    });
    // Anything drawn over the terminal (an overlay, the failure panel, a mode's panel): draw everything
    // so that it stays on top.
    if (frame.regions.slice(at + 1).some((r) => overlaps(r, region))) this.render();
    else this.parts.screen.drawRegion(region);
  }

  /** Stop following everything (the screen, the terminal and the monitor are closed by their owner). */
  stop(): void {
    this.unsubscribe?.();
    if (this.clock) clearInterval(this.clock);
    if (this.renderTimer) clearTimeout(this.renderTimer);
    this.clock = null;
    this.renderTimer = null;
  }

  private apply(transition: { ui: UiState; events: EngineEvent[]; commands: UiCommand[] }): void {
    const before = this.ui;
    this.ui = transition.ui;
    for (const event of transition.events) this.parts.engine.dispatch(event);
    if (this.ui.theme !== before.theme || this.ui.split !== before.split) this.saveSettings();
    if (this.ui.session !== before.session) this.syncTerminal();
    for (const command of transition.commands) this.perform(command);
    this.render();
  }

  private perform(command: UiCommand): void {
    performCommand(command, this.host);
  }

  /** Keep what the next opening starts from: the pace and the looks. */
  saveSettings(): void {
    this.parts.settings?.save({
      ...(this.parts.pace ? { keysPerSecond: this.parts.pace.keysPerSecond } : {}),
      theme: this.ui.theme,
      split: this.ui.split,
    });
  }

  private context(): UiContext {
    const frame = this.lastFrame;
    return {
      engine: this.parts.engine.getState(),
      sessions: this.sessions,
      narration: frame?.narration ?? { scroll: 0, max: 0, height: 0 },
      live: this.parts.monitor.current,
      now: this.now(),
      width: this.parts.screen.width,
      words: this.words,
    };
  }

  private syncTerminal(): void {
    this.pane.sync(this.ui.session, this.parts.engine.getState());
  }

  private resizeTerminal(): void {
    const { screen } = this.parts;
    const layout = layoutOf(
      this.parts.lesson,
      this.parts.engine.getState(),
      this.ui,
      screen.width,
      screen.height,
    );
    if (!layout.terminal) return;
    const inner = innerRect(layout.terminal);
    this.pane.resize(inner.width, inner.height);
  }

  /** Remove what the presenter set on the lesson's server (its window-size hook). */
  release(): Promise<void> {
    return this.pane.release();
  }

  /** Draw soon (many changes in one tick make one frame). */
  private schedule(): void {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      this.render();
    }, 16);
  }

  private render(): void {
    if (this.renderTimer) {
      clearTimeout(this.renderTimer);
      this.renderTimer = null;
    }
    const { screen } = this.parts;
    // The notes of a new chapter, a zoom, a split: the terminal pane may have a new size.
    this.resizeTerminal();
    const input = this.view.input(this.ui, screen.width, screen.height);
    const frame = renderFrame(input);
    const extra = this.parts.hooks?.regions?.(frame, this.ui, input.theme);
    if (extra) frame.regions.push(...extra);
    this.lastFrame = frame;
    screen.draw(frame.regions);
  }
}
