import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';

/** The rows of the narration pane on a captured screen (its top border to its bottom one). */
function narrationRows(screen: string): number {
  const lines = screen.split('\n');
  const top = lines.findIndex((l) => l.startsWith('┌─ Dém') || l.startsWith('┌─ Demy'));
  const bottom = lines.findIndex((l, i) => i > top && l.startsWith('└'));
  return bottom - top - 1;
}

/**
 * The built-in lesson at 80×24, as a learner on a laptop first sees it: the title and the start of the
 * introduction (not the middle of a table further down), the keys that matter on the status line, and
 * most of the screen for the narration. In both languages the lesson ships in.
 */
for (const lang of ['en', 'fr'] as const) {
  test(`the first screen of the built-in lesson at 80x24 (${lang})`, async (t) => {
    const h = await startPresenter({
      width: 80,
      height: 24,
      lesson: 'builtin',
      extraArgs: ['--lang', lang, '--no-isolate'],
    });
    t.after(() => h.dispose());
    openPresenter(h);
    const title = lang === 'en' ? 'Demystifying Kubernetes' : 'Démystifions Kubernetes';
    const opening = lang === 'en' ? 'A Kubernetes cluster looks like magic' : "Vu de l'extérieur, un cluster";
    const screen = await h.waitFor((s) => s.includes(opening), 'the introduction', 60_000);
    const lines = screen.split('\n');
    assert.match(lines[1] ?? '', new RegExp(`│ ${title} +│`), 'the title is the first line');
    assert.doesNotMatch(screen, /│ program +│|tous les cas\./, 'not scrolled down into the chapter');
    assert.match(screen, lang === 'en' ? /r run {2}n skip {2}\? keys/ : /r lancer {2}n passer {2}\? touches/);
    assert.ok(narrationRows(screen) >= 10, `the narration has ${narrationRows(screen)} rows`);
    // Notes on: the narration keeps its rows (the notes come out of the terminal's).
    h.keys('o');
    const withNotes = await h.waitFor((s) => s.includes(lang === 'en' ? 'Speaker notes' : 'Notes'), 'notes');
    assert.ok(narrationRows(withNotes) >= 10, `with notes, the narration has ${narrationRows(withNotes)}`);
    // The presenter's own words are in the lesson's language: the keys, a step's state, the components.
    h.keys('o', '?');
    const help = await h.waitFor(
      (s) => s.includes(lang === 'en' ? 'Keys (any key closes)' : 'Touches (une touche pour fermer)'),
      'the keys',
    );
    assert.match(help, lang === 'en' ? /run the step \(or retry\)/ : /lancer \(ou réessayer\)/);
    h.keys('Escape');
    await h.waitFor((s) => !s.includes('(any key closes)') && !s.includes('(une touche'), 'the keys closed');
    h.keys('End');
    const box = await h.waitFor((s) => s.includes('1. fetch'), 'the first step');
    assert.match(box, lang === 'en' ? /▶ ○ 1\. fetch ─+ pending ─╮/ : /▶ ○ 1\. fetch ─+ à faire ─╮/);
    assert.match(box, lang === 'en' ? /1○etcd/ : /1○etcd/);
    assert.match(box, lang === 'en' ? /step 1\/\d+ fetch/ : /étape 1\/\d+ fetch/);
    h.keys('q');
    await h.waitFor((s) => s.includes('EXITED 0'), 'the presenter to end');
    h.dispose();
    assert.deepEqual(processesMentioning(h.workdir), []);
  });
}
