import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { SourcePos } from './model.js';

/**
 * Positions of the front matter's keys, from the `yaml` package's syntax tree: js-yaml, which reads the
 * values, keeps none, and searching the text by pattern found an unrelated key of the same name (the
 * `kubernetes:` under `vars:` for `versions.kubernetes`). Values stay with js-yaml so that they and its
 * error messages are unchanged; this tree is only walked for where a key is.
 */

/** Where the keys and values of a YAML text are, by dotted path (a number indexes a list: `artifacts.3.when`). */
export interface YamlLocator {
  /**
   * Where a path is shown: its key, or a list item's `-`. Falls back to the deepest segment found, else
   * the YAML's first line.
   */
  key(path: string): SourcePos;
  /** Where the value at a path starts (a list item's own text, not its `-`); undefined when absent. */
  value(path: string): SourcePos | undefined;
}

/**
 * A locator over `yaml`, whose first line is line `firstLine` of `file`. The text is parsed on the first
 * question only.
 */
export function yamlLocator(yaml: string, file: string, firstLine: number): YamlLocator {
  let parsed: { root: unknown; lines: LineCounter } | undefined;
  const walk = (path: string): { found: SourcePos; node: unknown; complete: boolean } => {
    if (!parsed) {
      const lines = new LineCounter();
      parsed = { root: parseDocument(yaml, { lineCounter: lines }).contents, lines };
    }
    const { root, lines } = parsed;
    const at = (offset: number, column?: number): SourcePos => {
      const pos = lines.linePos(offset);
      return { file, line: firstLine + pos.line - 1, column: column ?? pos.col };
    };
    let found: SourcePos = { file, line: firstLine, column: 1 };
    let node = root;
    for (const segment of path ? path.split('.') : []) {
      if (isSeq(node) && /^\d+$/.test(segment)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (!item?.range) return { found, node: undefined, complete: false };
        // A block list's item is shown at its `-`, the column the list starts at.
        const seqColumn = node.flow || !node.range ? undefined : lines.linePos(node.range[0]).col;
        found = at(item.range[0], seqColumn);
        node = item;
        continue;
      }
      if (!isMap(node)) return { found, node: undefined, complete: false };
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      const key = pair?.key as Node | undefined;
      if (!key?.range) return { found, node: undefined, complete: false };
      found = at(key.range[0]);
      node = pair!.value;
    }
    return { found, node, complete: true };
  };
  return {
    key: (path) => walk(path).found,
    value(path) {
      const { node, complete } = walk(path);
      const range = (node as Node | null | undefined)?.range;
      if (!complete || !range || !parsed) return undefined;
      const pos = parsed.lines.linePos(range[0]);
      // A quoted string is shown at its text, inside the quote (where the caret underlines it).
      const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
      return { file, line: firstLine + pos.line - 1, column: pos.col + (quoted ? 1 : 0) };
    },
  };
}
