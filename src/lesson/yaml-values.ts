/** Small readers of the values js-yaml returns, shared by the front matter parsers. */

/** A YAML mapping, as js-yaml returns it. */
export type Obj = Record<string, unknown>;
/** Is this a YAML mapping (not a list, not a scalar)? */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A scalar as text; undefined for anything else. */
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** Report a problem at a dotted key path of the front matter (a number indexes a list), with a code. */
export type Report = (path: string, message: string, code?: string) => void;
