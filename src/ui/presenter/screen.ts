import blessed from 'blessed';
import { canonicalKey } from './keymap.js';
import type { Region } from './frame.js';
import { Painter } from './painter.js';

/** What the screen tells the presenter. */
export interface ScreenHandlers {
  /** A key: its canonical name (keymap.ts) and the bytes the terminal sent for it. */
  onKey(name: string, sequence: string): void;
  onResize(width: number, height: number): void;
}

/** The terminal the screen draws on. */
export interface ScreenStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/**
 * The presenter's terminal. blessed does the terminal handling (alternate screen, raw input, key
 * parsing, resize); the drawing is painter.ts's: frames are laid as cells and only the cells that
 * changed are written, so the terminal pane redrawn 30 times a second costs the few hundred cells that
 * moved, not a re-render of every pane. Nothing is decided here: what to draw comes from renderFrame,
 * what a key does from the keymap and the reducer.
 */
export class PresenterScreen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly painter = new Painter();
  private readonly output: NodeJS.WritableStream;
  private flushQueued = false;

  constructor(streams: ScreenStreams, handlers: ScreenHandlers) {
    this.output = streams.output;
    this.screen = blessed.screen({
      input: streams.input as NodeJS.ReadStream,
      output: streams.output as NodeJS.WriteStream,
      smartCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      autoPadding: false,
      warnings: false,
      title: 'demystify',
    } as blessed.Widgets.IScreenOptions);
    this.screen.program.hideCursor();
    this.painter.resize(this.width, this.height);
    this.screen.on(
      'keypress',
      (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
        const k = key ?? {
          full: ch ?? '',
          name: ch ?? '',
          ctrl: false,
          meta: false,
          shift: false,
          sequence: ch ?? '',
        };
        // blessed reports a carriage return twice, as `enter` then as `return`: one key, one press.
        if (k.name === 'return' && k.sequence === '\r') return;
        handlers.onKey(canonicalKey(ch, k), k.sequence ?? ch ?? '');
      },
    );
    this.screen.on('resize', () => {
      this.painter.resize(this.width, this.height);
      handlers.onResize(this.width, this.height);
    });
  }

  get width(): number {
    return Number(this.screen.width);
  }

  get height(): number {
    return Number(this.screen.height);
  }

  /** Draw a whole frame: every region in order (later ones on top). */
  draw(regions: Region[]): void {
    this.painter.frame(regions);
    this.flush();
  }

  /** Redraw one region in place (the terminal pane, many times a second). */
  drawRegion(region: Region): void {
    this.painter.lay(region);
    this.flush();
  }

  /** Forget what is on the terminal and draw everything again (Ctrl-L). */
  redraw(): void {
    this.painter.invalidate();
    this.flush();
  }

  /**
   * Put text on the clipboard of the terminal the presenter runs in (OSC 52: xterm, kitty, iTerm2,
   * Windows Terminal, tmux with set-clipboard on), so a command is copied without the box around it.
   */
  copy(text: string): void {
    const program = this.screen.program as unknown as { output: NodeJS.WritableStream };
    program.output.write(`\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`);
  }

  /** Leave the alternate screen and give the terminal back as it was. */
  destroy(): void {
    this.screen.program.showCursor();
    this.screen.destroy();
  }

  /** Send the changes of one tick at once. */
  private flush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      const bytes = this.painter.flush();
      if (bytes) this.output.write(bytes);
    });
  }
}
