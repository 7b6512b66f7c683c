#!/usr/bin/env node
// Screenshots of the real presenter for docs/presenter.md: it runs in a private tmux server at
// 80x24 and 160x45 with the etcd fixture lesson, is driven with send-keys like the e2e tests, and
// `tmux capture-pane -e -p` (text with its colours) is turned into an SVG, and into a PNG when
// rsvg-convert (Debian's librsvg2-bin) is there. Needs a build: npm run build.
//   node scripts/screenshots.mjs [OUT_DIR]      (default docs/screenshots)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = process.argv[2] ?? join(root, 'docs', 'screenshots');
const { startPresenter, openPresenter } = await import(join(root, 'dist/test/e2e/presenter-harness.js'));
const { codePointWidth } = await import(join(root, 'dist/src/ui/terminal/emulator.js'));

// --- ANSI (as tmux captures it) to SVG -------------------------------------------------------------

const BASE = ['#2e3436', '#cc0000', '#4e9a06', '#c4a000', '#3465a4', '#75507b', '#06989a', '#d3d7cf'];
const BRIGHT = ['#8a8f8f', '#ef2929', '#8ae234', '#fce94f', '#729fcf', '#ad7fa8', '#34e2e2', '#eeeeec'];
// The terminal's own colours: dark by default, light for the light theme's screenshot.
let FG = '#d3d7cf';
let BG = '#1c1c1c';
function terminalColours(light) {
  FG = light ? '#1c1c1c' : '#d3d7cf';
  BG = light ? '#fafafa' : '#1c1c1c';
}

function palette(n) {
  if (n < 8) return BASE[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n < 232) {
    const c = n - 16;
    const level = (v) => (v === 0 ? 0 : 55 + v * 40);
    const hex = (v) => level(v).toString(16).padStart(2, '0');
    return `#${hex(Math.floor(c / 36))}${hex(Math.floor(c / 6) % 6)}${hex(c % 6)}`;
  }
  const g = (8 + (n - 232) * 10).toString(16).padStart(2, '0');
  return `#${g}${g}${g}`;
}

function applySgr(style, params) {
  const p = params.length ? params.split(';').map(Number) : [0];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === 0) Object.assign(style, plainStyle());
    else if (c === 1) style.bold = true;
    else if (c === 2) style.dim = true;
    else if (c === 3) style.italic = true;
    else if (c === 4) style.underline = true;
    else if (c === 7) style.inverse = true;
    else if (c === 22) style.bold = style.dim = false;
    else if (c === 23) style.italic = false;
    else if (c === 24) style.underline = false;
    else if (c === 27) style.inverse = false;
    else if (c >= 30 && c <= 37) style.fg = palette(c - 30);
    else if (c >= 90 && c <= 97) style.fg = palette(c - 90 + 8);
    else if (c >= 40 && c <= 47) style.bg = palette(c - 40);
    else if (c >= 100 && c <= 107) style.bg = palette(c - 100 + 8);
    else if (c === 39) style.fg = null;
    else if (c === 49) style.bg = null;
    else if ((c === 38 || c === 48) && p[i + 1] === 5) {
      style[c === 38 ? 'fg' : 'bg'] = palette(p[i + 2]);
      i += 2;
    } else if ((c === 38 || c === 48) && p[i + 1] === 2) {
      const hex = p
        .slice(i + 2, i + 5)
        .map((v) => v.toString(16).padStart(2, '0'))
        .join('');
      style[c === 38 ? 'fg' : 'bg'] = `#${hex}`;
      i += 4;
    }
  }
}

/** The style of a cell with no SGR attribute set. */
function plainStyle() {
  return { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };
}

/** Cells of one captured line: { ch, width, style }. */
function cells(line) {
  const style = plainStyle();
  const outCells = [];
  const re = /\x1b\[([0-9;]*)m|\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|([\s\S])/gu;
  for (const m of line.matchAll(re)) {
    if (m[1] !== undefined) applySgr(style, m[1]);
    else if (m[2] !== undefined) {
      const width = codePointWidth(m[2].codePointAt(0));
      if (width > 0) outCells.push({ ch: m[2], width, style: { ...style } });
    }
  }
  return outCells;
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The SVG of a captured screen, `cols`x`rows` cells. */
export function ansiToSvg(text, cols, rows, title) {
  const cw = 8.43;
  const lh = 17;
  const pad = 12;
  const rects = [];
  const texts = [];
  text
    .split('\n')
    .slice(0, rows)
    .forEach((line, y) => {
      let x = 0;
      let run = null;
      const flush = () => {
        if (!run || !run.text.trim()) return (run = null);
        const s = run.style;
        const fg = s.inverse ? (s.bg ?? BG) : (s.fg ?? FG);
        const attrs = [`x="${(pad + run.x * cw).toFixed(2)}"`, `y="${pad + y * lh + 13}"`, `fill="${fg}"`];
        if (s.bold) attrs.push('font-weight="bold"');
        if (s.italic) attrs.push('font-style="italic"');
        if (s.dim) attrs.push('opacity="0.6"');
        if (s.underline) attrs.push('text-decoration="underline"');
        attrs.push(`textLength="${(run.cols * cw).toFixed(2)}"`, 'lengthAdjust="spacingAndGlyphs"');
        texts.push(`<text ${attrs.join(' ')}>${esc(run.text)}</text>`);
        run = null;
      };
      for (const cell of cells(line)) {
        const s = cell.style;
        const bg = s.inverse ? (s.fg ?? FG) : s.bg;
        if (bg)
          rects.push(
            `<rect x="${(pad + x * cw).toFixed(2)}" y="${pad + y * lh}" width="${(cell.width * cw + 0.5).toFixed(2)}" height="${lh}" fill="${bg}"/>`,
          );
        const key = JSON.stringify(s);
        // Box drawing and wide characters get a run of their own, so each sits exactly on its cell.
        const alone = cell.width > 1 || /[\u2500-\u257f]/.test(cell.ch);
        if (!run || run.key !== key || alone || run.alone) {
          flush();
          run = { key, style: s, x, text: '', cols: 0, alone };
        }
        run.text += cell.ch;
        run.cols += cell.width;
        x += cell.width;
      }
      flush();
    });
  const width = Math.ceil(pad * 2 + cols * cw);
  const height = pad * 2 + rows * lh;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14" xml:space="preserve">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" rx="6" fill="${BG}"/>`,
    ...rects,
    ...texts,
    '</svg>',
    '',
  ].join('\n');
}

// --- The scenes ------------------------------------------------------------------------------------

function save(h, name, cols, rows, title, light = false) {
  terminalColours(light);
  const svg = ansiToSvg(h.capture({ escapes: true }), cols, rows, title);
  const file = join(out, `${name}.svg`);
  writeFileSync(file, svg);
  try {
    execFileSync('rsvg-convert', ['-o', join(out, `${name}.png`), file]);
    console.log(`${file} (+ .png)`);
  } catch {
    console.log(`${file} (no rsvg-convert: no PNG)`);
  }
}

async function running(cols, rows, theme = 'dark') {
  const h = await startPresenter({ width: cols, height: rows });
  try {
    openPresenter(h);
    await h.waitFor((s) => s.includes('Ch 1/2 Start etcd'), 'the narration');
    for (const other of theme === 'contrast' ? ['T', 'T'] : theme === 'light' ? ['T'] : []) {
      h.keys(other);
      await new Promise((r) => setTimeout(r, 200));
    }
    h.keys('r');
    await h.waitFor((s) => s.includes('● etcd ready') && s.includes('chapter done'), 'etcd ready');
    h.keys('r');
    await h.waitFor((s) => s.includes('step 2/3'), 'chapter 2');
    h.keys('r');
    await h.waitFor((s) => s.includes('✓ 2. put') || s.includes('step 3/3'), 'put');
    h.keys('1');
    await h.waitFor(
      (s) => /┌─ etcd ─/.test(s) && s.includes('ready to serve client requests'),
      'etcd in the terminal',
    );
    await new Promise((r) => setTimeout(r, 500));
    const suffix = theme === 'dark' ? '' : `-${theme}`;
    const what = theme === 'dark' ? '' : ` (${theme === 'light' ? 'light' : 'high-contrast'} theme)`;
    save(
      h,
      `presenter${suffix}-${cols}x${rows}`,
      cols,
      rows,
      `demystify presenter at ${cols}x${rows}${what}`,
      theme === 'light',
    );
    if (theme !== 'dark') {
      h.keys('Q');
      await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
      h.keys('y');
      await h.waitFor((s) => s.includes('EXITED'), 'the end');
      return;
    }
    if (cols === 160) {
      // A done step asked to run again: the question before a clean restart.
      h.keys('P');
      await h.waitFor((s) => s.includes('Ch 1/2 Start etcd · step 1/3'), 'back on start-etcd');
      h.keys('r');
      await h.waitFor((s) => s.includes('already ran'), 'the question');
      save(h, `presenter-rerun-${cols}x${rows}`, cols, rows, 'a done step asked to run again');
      h.keys('Escape');
      await h.waitFor((s) => !s.includes('already ran'), 'the question closed');
    }
    if (cols === 80) {
      h.keys('?');
      await h.waitFor((s) => s.includes('Keys (any key closes)'), 'the keys');
      save(h, `presenter-keys-${cols}x${rows}`, cols, rows, 'the keys of the presenter');
      h.keys('Escape');
      // Esc then Q at once would read as Alt-Q: wait for the panel to close.
      await h.waitFor((s) => !s.includes('Keys (any key closes)'), 'the keys closed');
    }
    h.keys('Q');
    await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
    h.keys('y');
    await h.waitFor((s) => s.includes('EXITED'), 'the end');
  } finally {
    h.dispose();
  }
}

async function failure(cols, rows) {
  const h = await startPresenter({ width: cols, height: rows });
  const squatter = createServer((socket) => socket.destroy());
  await new Promise((resolve) => squatter.listen(h.ports.client, '127.0.0.1', resolve));
  try {
    openPresenter(h);
    await h.waitFor((s) => s.includes('Ch 1/2 Start etcd'), 'the narration');
    h.keys('r');
    await h.waitFor((s) => s.includes('“start-etcd” failed'), 'the failure');
    await new Promise((r) => setTimeout(r, 500));
    save(h, `presenter-failure-${cols}x${rows}`, cols, rows, 'a failed step, as the presenter shows it');
    h.keys('Q');
    await h.waitFor((s) => s.includes('Quit and clean up?'), 'the question');
    h.keys('y');
    await h.waitFor((s) => s.includes('EXITED'), 'the end');
  } finally {
    squatter.close();
    h.dispose();
  }
}

/** The built-in lesson as a learner first sees it at 80x24. */
async function firstScreen(lang) {
  const h = await startPresenter({
    width: 80,
    height: 24,
    lesson: 'builtin',
    extraArgs: ['--lang', lang, '--no-isolate'],
  });
  try {
    openPresenter(h);
    await h.waitFor((s) => /r (run|lancer)/.test(s) && /│wd #/.test(s), 'the first screen', 60_000);
    await new Promise((r) => setTimeout(r, 500));
    save(h, `presenter-first-${lang}-80x24`, 80, 24, `the first screen of the built-in lesson (${lang})`);
    h.keys('q');
    await h.waitFor((s) => s.includes('EXITED'), 'the end');
  } finally {
    h.dispose();
  }
}

mkdirSync(out, { recursive: true });
await firstScreen('en');
await firstScreen('fr');
await running(80, 24);
await running(160, 45);
await running(160, 45, 'light');
await running(160, 45, 'contrast');
await failure(160, 45);
