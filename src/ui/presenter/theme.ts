import { Chalk, type ChalkInstance } from 'chalk';
import type { ThemeName } from './settings.js';

/**
 * The presenter's styles. One Chalk instance with a fixed level rather than the global one: what a
 * frame contains must not depend on whether stdout is a terminal (tests render the same escapes the
 * screen draws), and the 16 basic colours survive every projector and every terminal theme.
 */
export interface Theme {
  chalk: ChalkInstance;
  heading: (text: string) => string;
  chapterTitle: (text: string) => string;
  dim: (text: string) => string;
  strong: (text: string) => string;
  em: (text: string) => string;
  code: (text: string) => string;
  link: (text: string) => string;
  borderFocused: (text: string) => string;
  border: (text: string) => string;
  titleFocused: (text: string) => string;
  title: (text: string) => string;
  current: (text: string) => string;
  pending: (text: string) => string;
  running: (text: string) => string;
  ok: (text: string) => string;
  failed: (text: string) => string;
  skipped: (text: string) => string;
  notStarted: (text: string) => string;
  bar: (text: string) => string;
  barKey: (text: string) => string;
  alertTitle: (text: string) => string;
  alertText: (text: string) => string;
  overlayBorder: (text: string) => string;
  selected: (text: string) => string;
  key: (text: string) => string;
}

/** Build the dark theme (the default); `level` 0 gives plain text (for tests that assert on text only). */
export function makeTheme(level: 0 | 1 | 2 | 3 = 1): Theme {
  const c = new Chalk({ level });
  return {
    chalk: c,
    heading: c.bold.cyan,
    chapterTitle: c.bold.underline.cyan,
    dim: c.gray,
    strong: c.bold,
    em: c.italic,
    code: c.yellow,
    link: c.blue.underline,
    borderFocused: c.cyan.bold,
    border: c.gray,
    titleFocused: c.black.bgCyan.bold,
    title: c.white.bold,
    current: c.bold.yellowBright,
    pending: c.white,
    running: c.yellow.bold,
    ok: c.green.bold,
    failed: c.red.bold,
    skipped: c.gray,
    notStarted: c.gray,
    bar: c.black.bgWhite,
    barKey: c.black.bgWhite.bold,
    alertTitle: c.whiteBright.bgRed.bold,
    alertText: c.whiteBright.bold,
    overlayBorder: c.yellowBright.bold,
    selected: c.black.bgYellow.bold,
    key: c.yellowBright.bold,
  };
}

/**
 * For a light background (a projector in a bright room often shows black on white): no yellow or white
 * text, which vanish there; blue, magenta and black instead, the status bar dark.
 */
export function lightTheme(): Theme {
  const c = new Chalk({ level: 1 });
  return {
    chalk: c,
    heading: c.bold.blue,
    chapterTitle: c.bold.underline.blue,
    dim: c.gray,
    strong: c.bold,
    em: c.italic,
    code: c.magenta,
    link: c.blue.underline,
    borderFocused: c.blue.bold,
    border: c.gray,
    titleFocused: c.whiteBright.bgBlue.bold,
    title: c.black.bold,
    current: c.bold.magenta,
    pending: c.black,
    running: c.magenta.bold,
    ok: c.green.bold,
    failed: c.red.bold,
    skipped: c.gray,
    notStarted: c.gray,
    bar: c.whiteBright.bgBlack,
    barKey: c.whiteBright.bgBlack.bold,
    alertTitle: c.whiteBright.bgRed.bold,
    alertText: c.black.bold,
    overlayBorder: c.blue.bold,
    selected: c.whiteBright.bgBlue.bold,
    key: c.blue.bold,
  };
}

/**
 * High contrast, for a washed-out projector or low vision: bright colours only, bold text, no gray
 * anywhere (dim text is plain white), the focus and the selection inverted.
 */
export function contrastTheme(): Theme {
  const c = new Chalk({ level: 1 });
  return {
    chalk: c,
    heading: c.bold.underline.whiteBright,
    chapterTitle: c.bold.underline.yellowBright,
    dim: c.white,
    strong: c.bold.whiteBright,
    em: c.bold.underline,
    code: c.bold.yellowBright,
    link: c.bold.underline.cyanBright,
    borderFocused: c.bold.yellowBright,
    border: c.whiteBright,
    titleFocused: c.black.bgYellowBright.bold,
    title: c.whiteBright.bold,
    current: c.bold.yellowBright,
    pending: c.whiteBright,
    running: c.bold.yellowBright,
    ok: c.bold.greenBright,
    failed: c.bold.redBright,
    skipped: c.white,
    notStarted: c.white,
    bar: c.black.bgWhiteBright.bold,
    barKey: c.black.bgWhiteBright.bold,
    alertTitle: c.whiteBright.bgRed.bold,
    alertText: c.bold.whiteBright,
    overlayBorder: c.bold.yellowBright,
    selected: c.black.bgYellowBright.bold,
    key: c.bold.underline.yellowBright,
  };
}

/**
 * `NO_COLOR` (no-color.org): not one colour, but what a terminal shows without them still marks what
 * matters: bold, underline, inverse for the focus, the status bar and alerts.
 */
function monoTheme(): Theme {
  const c = new Chalk({ level: 1 });
  const plain = (text: string): string => text;
  return {
    chalk: c,
    heading: c.bold,
    chapterTitle: c.bold.underline,
    dim: plain,
    strong: c.bold,
    em: c.italic,
    code: plain,
    link: c.underline,
    borderFocused: c.bold,
    border: plain,
    titleFocused: c.inverse.bold,
    title: c.bold,
    current: c.bold,
    pending: plain,
    running: c.bold,
    ok: c.bold,
    failed: c.bold.underline,
    skipped: plain,
    notStarted: plain,
    bar: c.inverse,
    barKey: c.inverse.bold,
    alertTitle: c.inverse.bold,
    alertText: c.bold,
    overlayBorder: c.bold,
    selected: c.inverse,
    key: c.bold.underline,
  };
}

/** `NO_COLOR` is set to something (no-color.org). */
export function noColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.NO_COLOR ?? '') !== '';
}

/** The theme of a name; `NO_COLOR` wins over any. */
export function themeNamed(name: ThemeName, options: { noColor?: boolean } = {}): Theme {
  if (options.noColor) return monoTheme();
  if (name === 'light') return lightTheme();
  if (name === 'contrast') return contrastTheme();
  return makeTheme(1);
}
