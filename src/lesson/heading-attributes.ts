import { parseDuration } from './probes.js';

/** A problem in a chapter heading's attribute block. */
export interface HeadingProblem {
  message: string;
  /** 0-based offset in the heading text of the token at fault. */
  offset: number;
}

/** What a chapter heading says: its display title and, from a trailing `{#id budget=3m}` block, the rest. */
export interface HeadingAttributes {
  title: string;
  /** The explicit `#id`. */
  id?: string;
  /** The chapter's time budget (`budget=3m`), in milliseconds. */
  budgetMs?: number;
  problems: HeadingProblem[];
}

/** Attributes a chapter heading knows, besides `#id`. */
const HEADING_KEYS = ['budget'] as const;

const ID_TOKEN = /^#([A-Za-z0-9][A-Za-z0-9._-]*)$/;
const KEY_TOKEN = /^([A-Za-z_][A-Za-z0-9_-]*)=(\S*)$/;
const BLOCK = /\s*\{([^{}]*)\}\s*$/;

/**
 * Parse a chapter heading's text: `The scheduler {#scheduler budget=3m}`. A trailing `{...}` is an
 * attribute block only when every token in it is `#id` or `key=value`; anything else (`Using {braces}`)
 * stays part of the title, as before budgets existed. Pure; problems are returned, never thrown.
 */
export function parseHeading(text: string): HeadingAttributes {
  const block = BLOCK.exec(text);
  const tokens = block ? tokensOf(block[1] ?? '', block.index + block[0].indexOf('{') + 1) : [];
  const isBlock = tokens.length > 0 && tokens.every((t) => ID_TOKEN.test(t.text) || KEY_TOKEN.test(t.text));
  const title = (isBlock && block ? text.slice(0, block.index) : text).replace(/[`*_]/g, '').trim();
  const out: HeadingAttributes = { title, problems: [] };
  if (!isBlock) return out;
  const seen = new Set<string>();
  for (const token of tokens) {
    const id = ID_TOKEN.exec(token.text);
    const key = id ? '#id' : (KEY_TOKEN.exec(token.text)?.[1] ?? '');
    if (seen.has(key)) {
      out.problems.push({ offset: token.offset, message: `the heading gives '${key}' twice` });
      continue;
    }
    seen.add(key);
    if (id) {
      out.id = id[1];
      continue;
    }
    const value = KEY_TOKEN.exec(token.text)?.[2] ?? '';
    if (key === 'budget') {
      const ms = parseBudget(value);
      if (ms === undefined)
        out.problems.push({
          offset: token.offset,
          message: `budget '${value}' must be a duration like 3m, 90s, 1m30s or 1h`,
        });
      else out.budgetMs = ms;
      continue;
    }
    out.problems.push({
      offset: token.offset,
      message: `unknown chapter attribute '${key}' (known: #id, ${HEADING_KEYS.join(', ')})`,
    });
  }
  return out;
}

/**
 * A time budget: `3m`, `90s`, `500ms`, `1m30s`, `1h`, `1h15m` (a bare number is seconds). Zero or
 * negative budgets are refused.
 */
export function parseBudget(text: string): number | undefined {
  const compound = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text.trim());
  let ms: number | undefined;
  if (compound && text.trim() !== '') {
    const [, h, m, s] = compound;
    ms = Math.round(Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000);
  } else {
    ms = parseDuration(text);
  }
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function tokensOf(inner: string, base: number): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(inner); m; m = re.exec(inner)) out.push({ text: m[0], offset: base + m.index });
  return out;
}
