/** One attribute of a step as written, with its column offset in the info string. */
export interface AttributeEntry {
  key: string;
  value: string;
  /** 0-based offset of the key in the info string. */
  offset: number;
}

/** A problem in an info string, at a 0-based offset. */
export interface AttributeProblem {
  offset: number;
  message: string;
}

/** The parsed info string of a fenced code block: its language and its attributes. */
export interface InfoString {
  lang: string;
  /** True when the info string has an attribute block at all (`{ ... }`): the block is a step. */
  hasAttributes: boolean;
  entries: AttributeEntry[];
  problems: AttributeProblem[];
}

/**
 * Parse a fence's info string in Runme's syntax: `bash { name=x ready="tcp:127.0.0.1:2379" check }`
 * or `sh {"name":"x","background":"true"}`. A bare key means `true`. Never throws.
 */
export function parseInfoString(info: string): InfoString {
  const brace = info.indexOf('{');
  const lang = (brace === -1 ? info : info.slice(0, brace)).trim().split(/\s+/)[0] ?? '';
  if (brace === -1) return { lang, hasAttributes: false, entries: [], problems: [] };
  const body = info.slice(brace);
  const end = body.lastIndexOf('}');
  if (end === -1) {
    return {
      lang,
      hasAttributes: true,
      entries: [],
      problems: [{ offset: brace, message: "attribute block has no closing '}'" }],
    };
  }
  if (info.slice(brace + end + 1).trim() !== '') {
    return {
      lang,
      hasAttributes: true,
      entries: [],
      problems: [{ offset: brace + end + 1, message: "text after the attribute block's closing '}'" }],
    };
  }
  const inner = body.slice(1, end);
  if (inner.trim().startsWith('"'))
    return { lang, hasAttributes: true, ...parseJsonAttributes(body.slice(0, end + 1), brace) };
  return { lang, hasAttributes: true, ...parseKeyValues(inner, brace + 1) };
}

function parseJsonAttributes(
  text: string,
  base: number,
): { entries: AttributeEntry[]; problems: AttributeProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      entries: [],
      problems: [{ offset: base, message: `attribute block is not valid JSON: ${(error as Error).message}` }],
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { entries: [], problems: [{ offset: base, message: 'attribute block must be a JSON object' }] };
  }
  const entries: AttributeEntry[] = [];
  for (const [key, raw] of Object.entries(value)) {
    const offset = base + Math.max(0, text.indexOf(`"${key}"`));
    const values = Array.isArray(raw) ? raw : [raw];
    for (const item of values)
      entries.push({ key, value: typeof item === 'string' ? item : JSON.stringify(item), offset });
  }
  return { entries, problems: [] };
}

const KEY = /[A-Za-z_][A-Za-z0-9_-]*/y;

function parseKeyValues(
  text: string,
  base: number,
): { entries: AttributeEntry[]; problems: AttributeProblem[] } {
  const entries: AttributeEntry[] = [];
  const problems: AttributeProblem[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/[\s,]/.test(ch)) {
      i++;
      continue;
    }
    KEY.lastIndex = i;
    const match = KEY.exec(text);
    if (!match) {
      problems.push({ offset: base + i, message: `unexpected '${ch}' in attributes: expected a name` });
      // Skip to the next separator so one typo yields one problem.
      while (i < text.length && !/\s/.test(text[i] ?? '')) i++;
      continue;
    }
    const key = match[0];
    const keyOffset = base + i;
    i += key.length;
    if (text[i] !== '=') {
      entries.push({ key, value: 'true', offset: keyOffset });
      continue;
    }
    i++;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const c = text[j] ?? '';
        // Only \" and \\ are escapes: a regular expression's \d or \. must reach the value unchanged.
        const escaped = text[j + 1];
        if (c === '\\' && quote === '"' && (escaped === '"' || escaped === '\\')) {
          value += escaped;
          j += 2;
          continue;
        }
        if (c === quote) {
          closed = true;
          break;
        }
        value += c;
        j++;
      }
      if (!closed)
        problems.push({ offset: base + i, message: `unterminated ${quote} quote in attribute '${key}'` });
      entries.push({ key, value, offset: keyOffset });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j] ?? '')) j++;
      entries.push({ key, value: text.slice(i, j), offset: keyOffset });
      i = j;
    }
  }
  return { entries, problems };
}
