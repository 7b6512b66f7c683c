#!/usr/bin/env node
// Text screenshots of the real speaker view for docs/speaker.md: the presenter runs in a private tmux
// server with the etcd fixture lesson (given budgets), a speaker view in another, both driven and read
// like the e2e tests; `tmux capture-pane -p` is saved as text. Needs a build: npm run build.
//   node scripts/speaker-screenshots.mjs [OUT_DIR]      (default docs/screenshots)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = process.argv[2] ?? join(root, 'docs', 'screenshots');
const { startPresenter, openPresenter } = await import(join(root, 'dist/test/e2e/presenter-harness.js'));
const { addBudgets, startSpeakers } = await import(join(root, 'dist/test/e2e/speaker-harness.js'));

function save(views, view, name) {
  const text = views
    .capture(view)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
  const file = join(out, `${name}.txt`);
  writeFileSync(file, `${text.trimEnd()}\n`);
  console.log(file);
}

mkdirSync(out, { recursive: true });
const h = await startPresenter({ width: 120, height: 40 });
addBudgets(h);
const views = startSpeakers(h, [
  [100, 30],
  [80, 24],
]);
try {
  openPresenter(h);
  await h.waitFor((s) => s.includes('Ch 1/2 Start etcd'), 'the presenter');
  // The first chapter's budget is 3 s: the small view says it is over.
  await views.waitFor(
    1,
    (s) => /CHAPTER .*OVER BUDGET by 00:0[2-9]/.test(s),
    'the chapter over budget',
    20_000,
  );
  save(views, 1, 'speaker-over-budget-80x24');
  h.keys('r');
  await views.waitFor(
    0,
    (s) => s.includes('● etcd up') && /NOW {3}1\. start-etcd {2}✓ ok/.test(s),
    'etcd up',
  );
  save(views, 0, 'speaker-100x30');
  for (const v of [0, 1]) views.keys(v, 'q');
  h.keys('q');
  await h.waitFor((s) => s.includes('EXITED'), 'the presenter to end');
} finally {
  views.dispose();
  h.dispose();
}
