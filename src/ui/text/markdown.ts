import { Lexer, type Token, type Tokens } from 'marked';
import { truncateAnsi, visibleWidth } from './ansi.js';
import { stripAnsi } from '../../escapes.js';
import { carryStyles, wrapAnsi, wrapPlain } from './ansi-wrap.js';
import { decodeEntities, renderInline } from './markdown-inline.js';
import { renderTable } from './markdown-table.js';
import type { Theme } from '../presenter/theme.js';

/**
 * Markdown for a pane of fixed width, rendered the way GitHub shows it: paragraphs reflowed and
 * separated by one blank line, soft line breaks joined, hard ones kept, lists with their bullets or
 * numbers and their text wrapped under itself (nested lists indented), quotes behind a bar, code
 * blocks indented and never reflowed, tables drawn to the width, HTML comments hidden. marked's lexer
 * reads the source; the drawing is here, with the presenter's theme, so every line fits the width
 * and stands alone (its styles re-opened where a wrap cut them).
 */

/** Rendered Markdown, by source and width: a chapter is re-rendered only when the pane's width changes. */
const cache = new Map<string, string[]>();
const CACHE_LIMIT = 256;
const themeIds = new WeakMap<Theme, number>();
let themeCount = 0;

/** Render Markdown to lines of at most `width` columns (leading and trailing blank lines removed). */
export function renderMarkdown(markdown: string, width: number, theme: Theme): string[] {
  const w = Math.max(10, width);
  if (!themeIds.has(theme)) themeIds.set(theme, themeCount++);
  const key = `${themeIds.get(theme)}\u0000${w}\u0000${markdown}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const lines = carryStyles(blocks(new Lexer().lex(markdown), w, theme));
  while (lines.length > 0 && stripAnsi(lines[0] ?? '').trim() === '') lines.shift();
  while (lines.length > 0 && stripAnsi(lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, lines);
  return lines;
}

/** Blocks one after the other, one blank line between two (none inside a tight list item). */
function blocks(tokens: Token[], width: number, theme: Theme, gap = true): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const lines = block(token, width, theme);
    if (lines.length === 0) continue;
    if (out.length > 0 && gap) out.push('');
    out.push(...lines);
  }
  return out;
}

/** Styled text with newlines (hard breaks), wrapped to the width, continuation lines at `indent`. */
function wrapText(text: string, width: number, indent = 0): string[] {
  return text.split('\n').flatMap((line) => wrapAnsi(line.replace(/ +$/, ''), width, indent));
}

function block(token: Token, width: number, theme: Theme): string[] {
  switch (token.type) {
    case 'space':
      return [];
    case 'heading': {
      const t = token as Tokens.Heading;
      const style = t.depth === 1 ? theme.chapterTitle : t.depth === 2 ? theme.heading : theme.strong;
      return wrapText(renderInline(t.tokens, theme), width).map((l) => style(stripAnsi(l)));
    }
    case 'paragraph':
      return wrapText(renderInline((token as Tokens.Paragraph).tokens, theme), width);
    case 'text': {
      const t = token as Tokens.Text;
      return wrapText(t.tokens ? renderInline(t.tokens, theme) : decodeEntities(t.text), width);
    }
    case 'list':
      return list(token as Tokens.List, width, theme);
    case 'blockquote': {
      const inner = blocks((token as Tokens.Blockquote).tokens, Math.max(4, width - 2), theme);
      return inner.map((l) => `${theme.dim('│')} ${theme.dim(l)}`);
    }
    case 'code': {
      const text = (token as Tokens.Code).text.replace(/\t/g, '  ');
      return text
        .split('\n')
        .flatMap((line) => (line === '' ? [''] : wrapPlain(line, Math.max(4, width - 2))))
        .map((line) => `  ${theme.code(line)}`);
    }
    case 'table': {
      const t = token as Tokens.Table;
      const cell = (c: Tokens.TableCell): string => renderInline(c.tokens, theme);
      const drawn = renderTable(
        t.header.map((c) => theme.strong(cell(c))),
        t.rows.map((r) => r.map(cell)),
        width,
      );
      // A row still too wide (a column at its minimum) is cut at the pane's edge, not wrapped.
      return drawn.split('\n').map((l) => (visibleWidth(l) > width ? truncateAnsi(l, width) : l));
    }
    case 'hr':
      return [theme.dim('─'.repeat(width))];
    case 'html': {
      const raw = (token as Tokens.HTML).raw.trim();
      return raw.startsWith('<!--') ? [] : wrapPlain(raw, width).map((l) => theme.dim(l));
    }
    default:
      return 'raw' in token && token.raw.trim() ? wrapPlain(token.raw.trim(), width) : [];
  }
}

/**
 * A list: each item's marker (`•`, or its number, right-aligned so the texts line up), its content
 * wrapped under its own first character, a blank line between items only in a loose list.
 */
function list(token: Tokens.List, width: number, theme: Theme): string[] {
  const start = typeof token.start === 'number' ? token.start : 1;
  const markers = token.items.map((item, i) => {
    if (item.task) return item.checked ? '☑' : '☐';
    return token.ordered ? `${start + i}.` : '•';
  });
  const markerWidth = Math.max(...markers.map((m) => visibleWidth(m)));
  const indent = markerWidth + 1;
  const out: string[] = [];
  token.items.forEach((item, i) => {
    const content = blocks(item.tokens, Math.max(4, width - indent), theme, token.loose);
    if (token.loose && i > 0) out.push('');
    const marker = (markers[i] ?? '•').padStart(markerWidth);
    content.forEach((line, j) => {
      if (j === 0) out.push(`${token.ordered ? marker : theme.dim(marker)} ${line}`);
      else out.push(line === '' ? '' : `${' '.repeat(indent)}${line}`);
    });
    if (content.length === 0) out.push(marker);
  });
  return out;
}
