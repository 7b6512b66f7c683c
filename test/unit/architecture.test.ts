import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

// The layer rule of docs/architecture.md, run in `npm test` (and so in CI) through dependency-cruiser's
// API, with the same .dependency-cruiser.cjs as `npm run deps`.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const configFile = join(root, '.dependency-cruiser.cjs');

/** Every violation of the rules when cruising `src` under `baseDir`, one readable line each. */
async function violations(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(configFile);
  const { output } = await cruise(['src'], { ...options, baseDir });
  if (typeof output === 'string') throw new Error(`dependency-cruiser gave text, not a result: ${output}`);
  return output.summary.violations.map((v) =>
    v.cycle && v.cycle.length > 0
      ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(' -> ')}`
      : `${v.rule.name}: ${v.from} -> ${v.to}`,
  );
}

test('architecture: src follows the layer rule (imports inwards, dynamic ones too; no cycle; pure core)', async () => {
  const found = await violations(root);
  assert.deepEqual(found, [], `dependency violations in src:\n  ${found.join('\n  ')}`);
});

test('architecture: a dynamic import outwards and a type-only cycle are reported', async () => {
  // A small tree of its own: what eslint's no-restricted-imports let through (an `await import()` from
  // adapters into ui), a cycle made only of `import type`, and an I/O built-in in the engine.
  const dir = await mkdtemp(join(tmpdir(), 'demystify-architecture-'));
  const files: Record<string, string> = {
    'src/ui/x.ts': 'export const x = 1;\n',
    'src/adapters/a.ts':
      "export async function a(): Promise<number> {\n  return (await import('../ui/x.js')).x;\n}\n",
    'src/lesson/p.ts': "import type { Q } from './q.js';\nexport interface P {\n  q?: Q;\n}\n",
    'src/lesson/q.ts': "import type { P } from './p.js';\nexport interface Q {\n  p?: P;\n}\n",
    'src/engine/e.ts': "import { readFileSync } from 'node:fs';\nexport const e = readFileSync;\n",
  };
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const found = await violations(dir);
    assert.ok(found.includes('layer-adapters: src/adapters/a.ts -> src/ui/x.ts'), found.join('\n'));
    assert.ok(
      found.some((line) => /^no-circular: src\/lesson\/(p|q)\.ts -> src\/lesson\/(q|p)\.ts -> /.test(line)),
      found.join('\n'),
    );
    assert.ok(found.includes('pure-core: src/engine/e.ts -> fs'), found.join('\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
