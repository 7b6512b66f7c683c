import { Chalk, type ChalkInstance } from 'chalk';

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

/** Build the theme; `level` 0 gives plain text (for tests that assert on text only). */
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
