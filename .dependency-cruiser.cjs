// The layer rule of docs/architecture.md, checked by dependency-cruiser: `npm run deps` (part of
// `npm run check`) and test/unit/architecture.test.ts (part of `npm test`, so CI). Unlike eslint's
// no-restricted-imports it sees `await import(...)` and type-only imports, and it finds cycles.
// Paths are relative to the folder cruised from (the repository, or the test's planted tree).

/** The layers, innermost first: each may import itself and the layers before it, nothing after. */
const layers = ['lesson', 'engine', 'adapters', 'ui', 'cli'];

/** Built-ins that do I/O. src/lesson and src/engine import none (node:net's isIP and node:worker_threads,
 * the regex time limit of output-match.ts, are used today and are not I/O of the lesson's world). */
const ioBuiltins =
  '^(node:)?(fs|fs/promises|child_process|http|https|http2|dgram|dns|dns/promises|tls|tty|readline|readline/promises|repl|cluster|inspector)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layers.slice(0, -1).map((layer, index) => ({
      name: `layer-${layer}`,
      comment: `src/${layer} imports only ${layers.slice(0, index + 1).join(', ')} (docs/architecture.md)`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(${layers.slice(index + 1).join('|')})/` },
    })),
    {
      name: 'shared-leaves',
      comment:
        'the files at the top of src (errors.ts, ip-address.ts, escapes.ts) are importable from everywhere, so they import no layer',
      severity: 'error',
      from: { path: '^src/[^/]+[.]ts$' },
      to: { path: `^src/(${layers.join('|')})/` },
    },
    {
      name: 'pure-core',
      comment: 'src/lesson and src/engine do no I/O: no built-in that reads, writes, spawns or talks',
      severity: 'error',
      from: { path: '^src/(lesson|engine)/' },
      to: { dependencyTypes: ['core'], path: ioBuiltins },
    },
    {
      name: 'no-circular',
      comment: 'no cycle, type-only imports included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-tests-or-scripts',
      comment: 'src never imports from test/ or scripts/',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'resolvable',
      comment: 'every relative import resolves (else the rules above could not see where it goes)',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, dependencyTypesNot: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports (`import type`) are edges too: a cycle through them is still a cycle.
    tsPreCompilationDeps: true,
    // Sources import `./x.js` for `./x.ts` (NodeNext): dependency-cruiser maps those itself.
  },
};
