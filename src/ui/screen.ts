import blessed from 'blessed';
import { canonicalKey } from './keymap.js';
import type { Region } from './frame.js';

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
 * The blessed screen: one box per frame region, drawn exactly where the frame puts it, with the frame's
 * lines as content (blessed parses their SGR escapes). Nothing is decided here: what to draw comes from
 * renderFrame, what a key does from the keymap and the reducer. blessed contributes the terminal handling
 * (alternate screen, raw input, key parsing, resize) and drawing only the cells that changed.
 */
export class PresenterScreen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly boxes = new Map<string, blessed.Widgets.BoxElement>();
  private readonly contents = new Map<string, string>();
  private renderQueued = false;

  constructor(streams: ScreenStreams, handlers: ScreenHandlers) {
    this.screen = blessed.screen({
      input: streams.input as NodeJS.ReadStream,
      output: streams.output as NodeJS.WriteStream,
      smartCSR: true,
      fullUnicode: true,
      // Box drawing stays Unicode: with TERM=screen or a C locale blessed would swap it for ACS letters.
      forceUnicode: true,
      autoPadding: false,
      warnings: false,
      title: 'demystify',
    } as blessed.Widgets.IScreenOptions);
    // Unicode box drawing as is, never the ACS charset (letters in `tmux capture-pane`, and in any
    // terminal whose terminfo claims ACS it draws wrong).
    const tput = (this.screen as unknown as { tput: { brokenACS: boolean; colors: number } }).tput;
    tput.brokenACS = true;
    // Inside tmux or screen with TERM=screen, terminfo claims 8 colours and blessed would turn the gray
    // of borders into black; both draw at least 16 (tmux 256) whatever the name says.
    if (tput.colors < 16 && /^(screen|tmux)/.test(process.env.TERM ?? '')) tput.colors = 256;
    this.screen.program.hideCursor();
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
    this.screen.on('resize', () => handlers.onResize(this.width, this.height));
  }

  get width(): number {
    return Number(this.screen.width);
  }

  get height(): number {
    return Number(this.screen.height);
  }

  /** Draw a whole frame: every region in order (later ones on top); boxes of regions gone are hidden. */
  draw(regions: Region[]): void {
    const seen = new Set<string>();
    for (const region of regions) {
      seen.add(region.id);
      this.place(region).setFront();
    }
    for (const [id, box] of this.boxes) if (!seen.has(id)) box.hide();
    this.render();
  }

  /** Redraw one region in place (the terminal pane, many times a second). */
  drawRegion(region: Region): void {
    const box = this.boxes.get(region.id);
    if (!box || box.hidden) return;
    this.place(region);
    this.render();
  }

  /** Forget what is on the terminal and draw everything again (Ctrl-L). */
  redraw(): void {
    this.screen.realloc();
    this.screen.render();
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

  private place(region: Region): blessed.Widgets.BoxElement {
    let box = this.boxes.get(region.id);
    if (!box) {
      box = blessed.box({ parent: this.screen, tags: false, wrap: false } as blessed.Widgets.BoxOptions);
      this.boxes.set(region.id, box);
    }
    if (box.left !== region.x) box.left = region.x;
    if (box.top !== region.y) box.top = region.y;
    if (box.width !== region.width) box.width = region.width;
    if (box.height !== region.height) box.height = region.height;
    const content = region.lines.join('\n');
    if (this.contents.get(region.id) !== content) {
      this.contents.set(region.id, content);
      box.setContent(content);
    }
    box.show();
    return box;
  }

  /** Coalesce the renders of one tick into one. */
  private render(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    setImmediate(() => {
      this.renderQueued = false;
      this.screen.render();
    });
  }
}
