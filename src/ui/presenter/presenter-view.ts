import { componentViews } from './component-views.js';
import type { TerminalContent, ViewInput } from './frame.js';
import type { Words } from './i18n.js';
import type { PresenterParts } from './presenter-parts.js';
import { placeholder } from '../terminal/terminal-sync.js';
import { noColor, themeNamed, type Theme } from './theme.js';
import type { UiState } from './ui-state.js';

/**
 * What a frame is drawn from, gathered for the presenter: the engine's state, the UI's, the
 * components as tmux shows them, the terminal pane's lines, the theme and the words.
 */
export class PresenterView {
  private readonly themes = new Map<string, Theme>();

  constructor(
    private readonly parts: PresenterParts,
    private readonly words: Words,
    private readonly now: () => number,
    /** When the talk started (the status line's clock). */
    private readonly startedAt: () => number,
  ) {}

  /** Everything renderFrame needs for a size. */
  input(ui: UiState, width: number, height: number): ViewInput {
    const { lesson, engine, keymap, monitor } = this.parts;
    const state = engine.getState();
    return {
      lesson,
      engine: state,
      ui,
      components: componentViews(lesson, state, monitor.current),
      keymap,
      theme: this.theme(ui),
      words: this.words,
      terminal: this.terminalContent(ui),
      width,
      height,
      now: this.now(),
      startedAt: this.startedAt(),
    };
  }

  /** The theme the UI asks for (one instance each: rendered Markdown is cached by theme). */
  theme(ui: UiState): Theme {
    if (this.parts.theme) return this.parts.theme;
    let theme = this.themes.get(ui.theme);
    if (!theme) {
      theme = themeNamed(ui.theme, { noColor: noColor() });
      this.themes.set(ui.theme, theme);
    }
    return theme;
  }

  /** The live terminal when it shows the session the UI wants, else why not. */
  terminalContent(ui: UiState): TerminalContent {
    const { terminal, monitor, lesson } = this.parts;
    if (terminal.session === ui.session)
      return {
        kind: 'live',
        lines: terminal.lines(ui.focus === 'terminal'),
        cols: terminal.size.cols,
      };
    return placeholder(ui.session, lesson, monitor.current.get(ui.session), this.words);
  }
}
