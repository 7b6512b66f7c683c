#!/usr/bin/env node
// Lint time against the number of diagnostics: a generated lesson with N errors (four per step: an unknown
// attribute, a session that names no component, a template that resolves to nothing, a removed kubelet
// flag), linted in-process (parse, lint rules, formatting) and by the CLI. Prints numbers; asserts nothing.
// Usage (after `npx tsc -p .`): node scripts/bench-lint.mjs [N ...]   (default: 1000 5000 20000)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { parseLesson } = await import(join(root, 'dist/src/lesson/parse.js'));
const { lintLesson } = await import(join(root, 'dist/src/lesson/lint.js'));
const { LINT_RULES } = await import(join(root, 'dist/src/lesson/rules/index.js'));
const { formatDiagnostic } = await import(join(root, 'dist/src/lesson/diagnostics.js'));

/** A lesson with `errors` errors, four per step. */
function lesson(errors) {
  const parts = [
    '---\nid: bench\ntitle: Bench\nversions: { kubernetes: "1.36.0" }\ncomponents:\n  etcd: {}\n---\n\n## Chapter\n\n',
  ];
  for (let i = 0; i < Math.ceil(errors / 4); i++) {
    parts.push(
      `Step ${i}.\n\n\`\`\`bash { name=s${i} colour=red session=nope }\nkubelet --container-runtime=remote --v=\${vars.nope}\n\`\`\`\n\n`,
    );
  }
  return parts.join('');
}

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const dir = mkdtempSync(join(tmpdir(), 'bench-lint-'));
try {
  const sizes = process.argv.slice(2).map(Number);
  for (const n of sizes.length ? sizes : [1000, 5000, 20000]) {
    const text = lesson(n);
    let start = process.hrtime.bigint();
    const parsed = parseLesson(text, 'bench.md');
    const parseMs = ms(start);
    start = process.hrtime.bigint();
    const ruled = lintLesson(parsed.lesson, text, LINT_RULES);
    const rulesMs = ms(start);
    start = process.hrtime.bigint();
    const all = [...parsed.diagnostics, ...ruled];
    let chars = 0;
    for (const d of all) chars += formatDiagnostic(d).length;
    const formatMs = ms(start);
    const file = join(dir, `bench-${n}.md`);
    writeFileSync(file, text);
    start = process.hrtime.bigint();
    const cli = spawnSync(process.execPath, [join(root, 'dist/src/cli/bin.js'), 'lint', file], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const cliMs = ms(start);
    console.log(
      `${String(n).padStart(6)} errors wanted, ${String(all.length).padStart(6)} diagnostics (${(text.length / 1024).toFixed(0)} KiB, ${chars} chars printed): ` +
        `parse ${parseMs.toFixed(0)} ms, rules ${rulesMs.toFixed(0)} ms, format ${formatMs.toFixed(0)} ms; ` +
        `demystify lint ${cliMs.toFixed(0)} ms (exit ${cli.status})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
