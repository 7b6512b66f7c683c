import xterm from '@xterm/headless';
import { eastAsianWidth } from 'get-east-asian-width';
import type { BufferLike } from './terminal-view.js';

/** The part of @xterm/headless's Terminal used here. */
export interface EmulatorLike {
  write(data: string, callback?: () => void): void;
  resize(cols: number, rows: number): void;
  reset(): void;
  dispose(): void;
  readonly buffer: { readonly active: BufferLike };
}

/** Characters that take no cell of their own: marks, format characters (joiners), selectors, skin tones. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Emoji_Modifier}\u{FE00}-\u{FE0F}]$/u;

/**
 * Columns of one code point, as the rest of the UI measures them (src/ui/text/ansi.ts: string-width,
 * which is built on get-east-asian-width): xterm's own table is Unicode 6, where ✅, ⚡ and 🚀 take one
 * column, so the emulator's grid and the frame around it disagreed about every such line. Per code point
 * (xterm asks no more): a ZWJ sequence still takes a cell per person, where string-width gives the whole 2.
 */
export function codePointWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return eastAsianWidth(cp) === 2 ? 2 : 1;
}

/** xterm's Unicode provider over {@link codePointWidth}; its joining rule is xterm's own (Unicode 6). */
const PROVIDER = {
  version: 'demystify',
  wcwidth: codePointWidth,
  charProperties(cp: number, preceding: number): number {
    let width: number = codePointWidth(cp);
    let join = width === 0 && preceding !== 0;
    if (join) {
      const before = (preceding >> 1) & 3;
      if (before === 0) join = false;
      else if (before > width) width = before;
    }
    return ((width & 3) << 1) | (join ? 1 : 0);
  },
};

/** A headless terminal emulator of that size, measuring characters as the frame does. */
export function createEmulator(cols: number, rows: number): EmulatorLike {
  const terminal = new xterm.Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  terminal.unicode.register(PROVIDER);
  terminal.unicode.activeVersion = PROVIDER.version;
  return terminal as unknown as EmulatorLike;
}
