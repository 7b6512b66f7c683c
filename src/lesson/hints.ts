import type { Probe } from './model.js';
import { parseProbe } from './probes.js';

/** A hint comment as written, before it is given to its step. */
export interface HintComment {
  text: string;
  /** The probe that names the problem: the hint is shown only while it fails. */
  when?: Probe;
}

const HINT = /^\s*<!--\s*hint\b([\s\S]*?)-->\s*$/;
const WHEN = /^\s+when=(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*:/;

/**
 * Read a learner hint from an HTML comment: `<!-- hint: TEXT -->`, or `<!-- hint when="PROBE": TEXT -->`
 * (the probe in double or single quotes, `\"` inside double ones). Undefined when the comment is no hint;
 * an error when it is one, malformed. Pure.
 */
export function parseHintComment(raw: string): HintComment | { error: string } | undefined {
  const match = HINT.exec(raw);
  if (!match) return undefined;
  const body = match[1] ?? '';
  if (body.startsWith(':')) return textOf(body.slice(1));
  const when = WHEN.exec(body);
  if (!when) return { error: 'a hint is <!-- hint: TEXT --> or <!-- hint when="PROBE": TEXT -->' };
  const probeText = when[1] !== undefined ? when[1].replace(/\\(["\\])/g, '$1') : (when[2] ?? '');
  const probe = parseProbe(probeText);
  if ('error' in probe) return { error: `hint when=: ${probe.error}` };
  const hint = textOf(body.slice(when[0].length));
  return 'error' in hint ? hint : { ...hint, when: probe };
}

function textOf(text: string): HintComment | { error: string } {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return trimmed ? { text: trimmed } : { error: 'this hint has no text' };
}
