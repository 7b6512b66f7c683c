import type { Expectation, Probe } from './model.js';
import { TEMPLATE } from './templates.js';

/** A template placeholder still in a value: numeric checks wait until the plan resolves it. */
const hasTemplate = (text: string): boolean => text.includes('${');

/** Parse one readiness probe: `tcp:HOST:PORT`, `http(s)://…`, `unix:PATH`, `log:/RE/flags`, `cmd:COMMAND`. */
export function parseProbe(raw: string): Probe | { error: string } {
  const text = raw.trim();
  if (/^https?:\/\//.test(text)) {
    if (hasTemplate(text)) return { kind: 'http', url: text, raw };
    try {
      new URL(text);
    } catch {
      return { error: `'${text}' is not a valid URL` };
    }
    return { kind: 'http', url: text, raw };
  }
  const colon = text.indexOf(':');
  const scheme = colon === -1 ? '' : text.slice(0, colon);
  const rest = colon === -1 ? '' : text.slice(colon + 1);
  switch (scheme) {
    case 'tcp': {
      const at = rest.lastIndexOf(':');
      const host = at === -1 ? '' : rest.slice(0, at);
      const portText = at === -1 ? '' : rest.slice(at + 1);
      if (!host || !portText) return { error: `tcp probe '${text}' must be tcp:HOST:PORT` };
      if (hasTemplate(portText)) return { kind: 'tcp', host, port: 0, raw };
      const port = Number(portText);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        return { error: `tcp probe '${text}' has an invalid port` };
      return { kind: 'tcp', host, port, raw };
    }
    case 'unix':
      return rest
        ? { kind: 'unix', path: rest, raw }
        : { error: `unix probe '${text}' must name a socket path` };
    case 'cmd':
      return rest.trim()
        ? { kind: 'cmd', command: rest.trim(), raw }
        : { error: `cmd probe '${text}' has no command` };
    case 'log': {
      const re = parseRegexLiteral(rest.trim());
      if ('error' in re) return { error: `log probe: ${re.error}` };
      return { kind: 'log', pattern: re.pattern, flags: re.flags, raw };
    }
    default:
      return {
        error: `unknown probe '${text}': use tcp:HOST:PORT, http(s)://URL, unix:PATH, log:/REGEX/ or cmd:COMMAND`,
      };
  }
}

/** Parse `/pattern/flags` and check that it compiles. */
function parseRegexLiteral(text: string): { pattern: string; flags: string } | { error: string } {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (!match) return { error: `'${text}' is not a /regular expression/` };
  const [, pattern = '', flags = ''] = match;
  try {
    // A template (`${versions.kubernetes}`) is only known once the plan resolves it, escaped: any text will do here.
    new RegExp(pattern.replace(TEMPLATE, 'x'), flags);
  } catch (error) {
    return { error: `invalid regular expression /${pattern}/${flags}: ${(error as Error).message}` };
  }
  return { pattern, flags };
}

/**
 * Parse an `expect` value: space-separated clauses `exit=N`, `fail`, `output=/RE/flags`
 * (a regular expression may contain spaces: it runs to its closing slash).
 */
export function parseExpectation(text: string): Expectation | { error: string } {
  const expectation: Expectation = {};
  let rest = text.trim();
  while (rest) {
    if (rest.startsWith('fail') && (rest.length === 4 || /\s/.test(rest[4] ?? ''))) {
      expectation.fail = true;
      rest = rest.slice(4).trim();
    } else if (rest.startsWith('exit=')) {
      const m = /^exit=(\S+)/.exec(rest);
      const code = Number(m?.[1]);
      if (!Number.isInteger(code) || code < 0 || code > 255)
        return { error: `'${m?.[0]}': exit status must be 0 to 255` };
      expectation.exit = code;
      rest = rest.slice(m?.[0].length ?? 0).trim();
    } else if (rest.startsWith('output=/')) {
      const body = rest.slice('output='.length);
      const close = findClosingSlash(body);
      if (close === -1) return { error: `'${rest}': output regular expression has no closing '/'` };
      const flagsMatch = /^[a-z]*/.exec(body.slice(close + 1));
      const literal = body.slice(0, close + 1 + (flagsMatch?.[0].length ?? 0));
      const re = parseRegexLiteral(literal);
      if ('error' in re) return re;
      expectation.output = re;
      rest = body.slice(literal.length).trim();
    } else {
      return { error: `unknown expectation '${rest.split(/\s/)[0]}': use exit=N, fail or output=/REGEX/` };
    }
  }
  if (expectation.fail && expectation.exit === 0)
    return { error: "'fail' and 'exit=0' contradict each other" };
  return expectation;
}

function findClosingSlash(body: string): number {
  for (let i = 1; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '/') return i;
  }
  return -1;
}

/** Parse a duration: `30s`, `500ms`, `2m`, or a plain number of seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 'm' ? n * 60_000 : n * 1000);
}
