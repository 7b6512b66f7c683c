import type { Engine } from '../engine/engine.js';
import type { EngineEvent } from '../engine/machine.js';
import type { Lesson } from '../lesson/model.js';
import { componentViews } from './components.js';
import {
  layoutOf,
  renderFrame,
  terminalRegion,
  type Frame,
  type TerminalContent,
  type ViewInput,
} from './frame.js';
import { keyIndex, type Action, type Keymap } from './keymap.js';
import { innerRect, overlaps } from './layout.js';
import type { LiveTerminal } from './live-terminal.js';
import { onOverlayKey } from './overlays.js';
import type { PresenterScreen } from './screen.js';
import type { SessionMonitor } from './session-monitor.js';
import { wordsFor, type Words } from './i18n.js';
import { PaneSync } from './pane-sync.js';
import { placeholder } from './terminal-sync.js';
import { noColor, themeNamed, type Theme } from './theme.js';
import { performCommand, type CommandHost } from './presenter-commands.js';
import type { PresenterSettings } from './settings.js';
import type { PresenterPace } from './typing-pace.js';
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

/** How the presenter ended. */
export type PresenterExit = 'quit' | 'cleanup';

/** The parts the presenter drives, made by open-presenter.ts (or by tests). */
export interface PresenterParts {
  lesson: Lesson;
  engine: Engine;
  keymap: Keymap;
  screen: PresenterScreen;
  terminal: LiveTerminal;
  monitor: SessionMonitor;
  /** Run a tmux command on the lesson's server (to size its windows). */
  tmux: (args: string[]) => Promise<string>;
  /** Is a session's shell at its prompt, from its log (a component restart waits for it)? */
  shellIdle?: (session: string) => Promise<boolean | undefined>;
  /** The pace of human typing the engine reads (absent: instant typing). */
  pace?: PresenterPace;
  /** What was kept from the last opening, and how to keep it again. */
  settings?: { initial: PresenterSettings; save(settings: PresenterSettings): void };
  /** A fixed theme (tests); default: the one of the settings, `NO_COLOR` honoured. */
  theme?: Theme;
  now?: () => number;
}

/**
 * The presenter's loop: render frames from the engine's state and the UI state, turn keys into UI
 * actions and engine events, keep the terminal pane on the session the UI shows. It owns no decision
 * about what runs: `run-step`, `replay-chapter` and the rest are events the engine's machine accepts
 * or ignores. Resolves when the user quits.
 */
export class Presenter {
  private ui: UiState;
  private readonly parts: PresenterParts;
  private readonly themes = new Map<string, Theme>();
  private readonly now: () => number;
  private readonly startedAt: number;
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
    // The talk's clock goes on from where the last opening left it.
    this.startedAt = this.now() - (kept.clockMs ?? 0);
    this.pane = new PaneSync(parts.terminal, parts.monitor, parts.tmux);
    this.words = wordsFor(parts.lesson.lang);
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
    if (!frame || this.renderTimer) return;
    const layout = layoutOf(
      this.parts.lesson,
      this.parts.engine.getState(),
      this.ui,
      frame.width,
      frame.height,
    );
    if (!layout.terminal) return;
    const region = terminalRegion(this.input(frame.width, frame.height), layout.terminal);
    // An overlay or the failure panel over the terminal: draw everything so they stay on top.
    if (frame.regions.some((r) => (r.id === 'overlay' || r.id === 'failure') && overlaps(r, region)))
      this.render();
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

  /** Keep what the next opening starts from: the pace, the looks, the talk's clock. */
  saveSettings(): void {
    this.parts.settings?.save({
      ...(this.parts.pace ? { keysPerSecond: this.parts.pace.keysPerSecond } : {}),
      theme: this.ui.theme,
      split: this.ui.split,
      clockMs: Math.max(0, this.now() - this.startedAt),
    });
  }

  /** The theme the UI asks for (one instance each: rendered Markdown is cached by theme). */
  private theme(): Theme {
    if (this.parts.theme) return this.parts.theme;
    let theme = this.themes.get(this.ui.theme);
    if (!theme) {
      theme = themeNamed(this.ui.theme, { noColor: noColor() });
      this.themes.set(this.ui.theme, theme);
    }
    return theme;
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

  private input(width: number, height: number): ViewInput {
    const { lesson, engine, keymap, monitor } = this.parts;
    const state = engine.getState();
    return {
      lesson,
      engine: state,
      ui: this.ui,
      components: componentViews(lesson, state, monitor.current),
      keymap,
      theme: this.theme(),
      words: this.words,
      terminal: this.terminalContent(),
      width,
      height,
      now: this.now(),
      startedAt: this.startedAt,
    };
  }

  private terminalContent(): TerminalContent {
    const { terminal, monitor, lesson } = this.parts;
    if (terminal.session === this.ui.session)
      return {
        kind: 'live',
        lines: terminal.lines(this.ui.focus === 'terminal'),
        cols: terminal.size.cols,
      };
    return placeholder(this.ui.session, lesson, monitor.current.get(this.ui.session), this.words);
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
    const frame = renderFrame(this.input(screen.width, screen.height));
    this.lastFrame = frame;
    screen.draw(frame.regions);
  }
}
