import type { Token, Tokens } from 'marked';
import { stripAnsi } from '../../escapes.js';
import type { Theme } from '../presenter/theme.js';

/** The few HTML entities marked leaves in text, as characters. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Decode the entities marked keeps (`&amp;`, `&#39;`, `&#x2014;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (ENTITIES[lower] !== undefined) return ENTITIES[lower];
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return whole;
  });
}

/**
 * Inline Markdown (emphasis, code spans, links, line breaks) as one styled string, the way GitHub shows
 * it: a soft line break of the source is a space, a hard one (`\` or two spaces at the end) a newline,
 * HTML comments nothing, a link its text with the address after it (no OSC 8: a projector's terminal
 * may not know it).
 */
export function renderInline(tokens: Token[] | undefined, theme: Theme): string {
  let out = '';
  for (const token of tokens ?? []) out += inline(token, theme);
  return out;
}

function inline(token: Token, theme: Theme): string {
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text;
      if (t.tokens && t.tokens.length > 0) return renderInline(t.tokens, theme);
      return decodeEntities(t.text).replace(/[ \t]*\n[ \t]*/g, ' ');
    }
    case 'escape':
      return decodeEntities((token as Tokens.Escape).text);
    case 'strong':
      return theme.strong(renderInline((token as Tokens.Strong).tokens, theme));
    case 'em':
      return theme.em(renderInline((token as Tokens.Em).tokens, theme));
    case 'del':
      return theme.dim(renderInline((token as Tokens.Del).tokens, theme));
    case 'codespan':
      return theme.code(decodeEntities((token as Tokens.Codespan).text));
    case 'br':
      return '\n';
    case 'link': {
      const t = token as Tokens.Link;
      const text = renderInline(t.tokens, theme);
      return stripAnsi(text) === t.href ? theme.link(t.href) : `${text} ${theme.dim(`(${t.href})`)}`;
    }
    case 'image': {
      const t = token as Tokens.Image;
      return theme.dim(`[${t.text || 'image'}: ${t.href}]`);
    }
    case 'html': {
      const raw = (token as Tokens.HTML).raw;
      return /^<!--/.test(raw.trim()) ? '' : theme.dim(raw);
    }
    default:
      return 'text' in token && typeof token.text === 'string' ? decodeEntities(token.text) : token.raw;
  }
}
