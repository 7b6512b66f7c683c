import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPresenter, processesMentioning, startPresenter } from './presenter-harness.js';

/** Where the narration's right border is on the first line (its width). */
const narrationWidth = (screen: string): number => (screen.split('\n')[0] ?? '').indexOf('┐') + 1;

/**
 * The keys for the stage: copy the step's command to the clipboard (OSC 52, which the outer tmux turns
 * into a paste buffer), run the rest of a chapter without a reset, change the theme and the split (kept
 * for the next opening), zoom the narration.
 */
test('copy a command, run the rest of a chapter, theme, split and zoom', async (t) => {
  const h = await startPresenter({ width: 120, height: 40 });
  t.after(() => h.dispose());
  h.tmux('set-option', '-g', 'set-clipboard', 'on');
  openPresenter(h);
  await h.waitFor((s) => s.includes('1/2  Start etcd'), 'the narration');

  // y: the command alone, as typed, without the box around it.
  h.keys('y');
  await h.waitFor((s) => s.includes('copied the command of start-etcd'), 'the copy');
  const copied = await (async () => {
    for (let i = 0; i < 50; i++) {
      try {
        return h.tmux('show-buffer');
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return '';
  })();
  assert.match(copied, /^etcd --name presenter --data-dir etcd-data --listen-client-urls http:\/\/127/);
  assert.doesNotMatch(copied, /[│╭╰$]/, 'no border, no prompt');

  // A: the rest of the chapter, one step after the other, no reset (etcd keeps running).
  h.keys('r');
  await h.waitFor((s) => s.includes('● etcd ready') && s.includes('chapter done'), 'etcd ready');
  const lessonTmux = (...a: string[]): string =>
    execFileSync('tmux', ['-S', join(h.workdir, 'tmux.sock'), ...a], { encoding: 'utf8' });
  const etcdPid = lessonTmux('display-message', '-p', '-t', '=etcd:', '#{pane_pid}').trim();
  h.keys('N');
  await h.waitFor((s) => s.includes('step 2/3 put'), 'chapter 2');
  h.keys('A');
  let screen = await h.waitFor((s) => /✓ 2\. put/.test(s) && /✓ 3\. get/.test(s), 'the chapter ran');
  assert.doesNotMatch(screen, /resetting/);
  assert.equal(lessonTmux('display-message', '-p', '-t', '=etcd:', '#{pane_pid}').trim(), etcdPid);
  assert.match(screen, /● etcd ready/);

  // T: the next theme; > a wider narration; both kept for the next opening.
  const before = narrationWidth(screen);
  h.keys('T');
  await h.waitFor((s) => s.includes('theme: light'), 'the light theme');
  h.keys('>');
  screen = await h.waitFor((s) => narrationWidth(s) > before, 'a wider narration');
  const wider = narrationWidth(screen);
  // z twice: the narration alone, the whole width.
  h.keys('z');
  await h.waitFor((s) => s.includes('(zoomed)'), 'the terminal zoomed');
  h.keys('z');
  screen = await h.waitFor(
    (s) => s.startsWith('┌─ Meet etcd') && narrationWidth(s) === 120,
    'the narration zoomed',
  );
  assert.doesNotMatch(screen, /┌─ (shell|etcd) /, 'no terminal pane');
  h.keys('z');
  await h.waitFor((s) => narrationWidth(s) === wider, 'both panes again');
  h.keys('q');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the presenter to end');
  const kept = JSON.parse(readFileSync(join(h.workdir, '.demystify', 'presenter.json'), 'utf8'));
  assert.equal(kept.theme, 'light');
  openPresenter(h);
  screen = await h.waitFor((s) => s.includes('Meet etcd') && s.includes('● etcd ready'), 'reopened');
  assert.equal(narrationWidth(screen), wider, 'the split is kept');
  const colours = h.capture({ escapes: true });
  assert.match(colours, /\x1b\[[0-9;]*34[;m]/, 'blue borders: the light theme again');
  h.keys('Q');
  await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
  h.keys('y');
  await h.waitFor((s) => s.includes('EXITED 0'), 'the clean-up');
  assert.deepEqual(processesMentioning(h.workdir), []);
});
