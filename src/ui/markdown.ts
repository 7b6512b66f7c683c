import { Marked, type MarkedExtension, type Tokens } from 'marked';
import { markedTerminal } from 'marked-terminal';
import { stripAnsi, truncateAnsi, visibleWidth } from './ansi.js';
import { carryStyles, wrapAnsi } from './ansi-wrap.js';
import { renderTable } from './markdown-table.js';
import type { Theme } from './theme.js';

/**
 * Markdown for the terminal: marked-terminal on marked does the work (headings, emphasis, lists,
 * tables, quotes); this module fixes what a pane needs on top of it: a fixed width that every line
 * respects (long list items wrapped, tables drawn to the width with their cells wrapped), styles that do not
 * depend on the global chalk, links written out as `text (url)` rather than OSC 8 escapes, and lines that
 * each stand alone.
 */

/** Rendered Markdown, by source and width: a chapter is re-rendered only when the pane's width changes. */
const cache = new Map<string, string[]>();
const CACHE_LIMIT = 256;
const parsers = new WeakMap<Theme, Map<number, Marked>>();

function parserFor(theme: Theme, width: number): Marked {
  let byWidth = parsers.get(theme);
  if (!byWidth) {
    byWidth = new Map();
    parsers.set(theme, byWidth);
  }
  let parser = byWidth.get(width);
  if (parser) return parser;
  const identity = (s: string): string => s;
  parser = new Marked(
    markedTerminal({
      width,
      reflowText: true,
      tab: 2,
      showSectionPrefix: false,
      emoji: false,
      heading: theme.heading,
      firstHeading: theme.heading,
      strong: theme.strong,
      em: theme.em,
      codespan: theme.code,
      blockquote: theme.dim,
      del: theme.dim,
      html: theme.dim,
      link: theme.link,
      href: theme.link,
      paragraph: identity,
      listitem: identity,
      table: identity,
      hr: identity,
      tableOptions: { style: { head: [], border: [] } },
    } as Parameters<typeof markedTerminal>[0]) as unknown as MarkedExtension,
    {
      renderer: {
        // Plain code blocks of the narration (not steps): indented, one style, no highlighter whose
        // colours would depend on the terminal it was started from.
        code(token: Tokens.Code): string {
          const body = token.text
            .split('\n')
            .map((line) => `  ${theme.code(line)}`)
            .join('\n');
          return `${body}\n\n`;
        },
        // marked-terminal prints a tight list item's text token as raw text, losing its emphasis and
        // code spans: parse its inline tokens instead.
        text(token: Tokens.Text | Tokens.Escape): string {
          return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : token.text;
        },
        // Tables are drawn to the pane's width, long cells wrapped in their column.
        table(token: Tokens.Table): string {
          const cell = (c: Tokens.TableCell): string => this.parser.parseInline(c.tokens);
          const header = token.header.map((c) => theme.strong(cell(c)));
          return `${renderTable(
            header,
            token.rows.map((r) => r.map(cell)),
            width,
            visibleWidth,
          )}\n\n`;
        },
        link(token: Tokens.Link): string {
          const text = this.parser.parseInline(token.tokens);
          const plain = stripAnsi(text);
          return plain === token.href ? theme.link(token.href) : `${text} ${theme.dim(`(${token.href})`)}`;
        },
      },
    },
  );
  byWidth.set(width, parser);
  return parser;
}

/** Render Markdown to lines of at most `width` columns (leading and trailing blank lines removed). */
export function renderMarkdown(markdown: string, width: number, theme: Theme): string[] {
  const w = Math.max(10, width);
  const key = `${w}\u0000${markdown}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rendered = String(parserFor(theme, w).parse(markdown, { async: false }));
  const lines = carryStyles(rendered.replace(/\r/g, '').split('\n')).flatMap((line) => {
    if (visibleWidth(line) <= w) return [line];
    // A table row wrapped would break its grid: cut it at the pane's edge instead.
    if (/^\s*[┌├└│]/.test(stripAnsi(line))) return [truncateAnsi(line, w)];
    return wrapAnsi(line, w, hangingIndent(line));
  });
  while (lines.length > 0 && stripAnsi(lines[0] ?? '').trim() === '') lines.shift();
  while (lines.length > 0 && stripAnsi(lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, lines);
  return lines;
}

/** Continuation indent of a wrapped line: under the text of a list item, else at the line's indent. */
function hangingIndent(line: string): number {
  const plain = stripAnsi(line);
  const bullet = /^(\s*)([*+-]|\d+[.)])\s+/.exec(plain);
  if (bullet) return bullet[0].length;
  return /^\s*/.exec(plain)?.[0].length ?? 0;
}
