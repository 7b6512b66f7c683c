import type { ChapterStats } from '../../engine/rehearsal/aggregate.js';
import { formatDuration } from './report-model.js';

/** Colours of the runs, in turn (colour-blind safe, Tableau 10). */
export const RUN_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
];
const BUDGET = '#c0392b';
const LABEL_W = 300;

/** Escape text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round axis maximum at or above `max`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * power >= max) return f * power;
  return 10 * power;
}

/**
 * Time per chapter, run by run, against the budget, as one inline SVG of small multiples: a row per
 * chapter, with its own scale (so a 5 s chapter and a 5 min one both read well), a horizontal bar per run
 * (`rect.bar` with `data-chapter` and `data-run`; a run that failed in the chapter is pale with a dashed
 * outline; one that never reached it has a bar of width 0 and says so), the chapter's budget as a dashed
 * red line, its median as a black tick. No script, no external resource. Pure.
 */
export function chapterChart(chapters: ChapterStats[], runs: number[], width = 1100): string {
  const barH = runs.length > 6 ? 8 : 14;
  const rowH = Math.max(44, runs.length * (barH + 3) + 22);
  const top = 44;
  const height = top + chapters.length * rowH + 16;
  const x0 = LABEL_W;
  const plotW = width - x0 - 90;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chapter-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Time per chapter, run by run, against the budget">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="16" font-weight="bold" fill="#222">Time per chapter, run by run, against the budget</text>`,
    legend(runs, width - 8, 36),
  ];
  chapters.forEach((chapter, ci) => {
    const y0 = top + ci * rowH;
    const rowMax = niceMax(
      Math.max(1, chapter.budgetMs ?? 0, ...chapter.times.map((t) => t?.ms ?? 0)) * 1.05,
    );
    const x = (ms: number): number => x0 + (ms / rowMax) * plotW;
    const id = escapeXml(chapter.id);
    const title = chapter.title.length > 34 ? `${chapter.title.slice(0, 33)}…` : chapter.title;
    const sub = `median ${formatDuration(chapter.medianMs)}${chapter.budgetMs === undefined ? '' : ` · budget ${formatDuration(chapter.budgetMs)}`}`;
    parts.push(
      `<g class="chapter" data-chapter="${id}">`,
      ci % 2 === 0 ? `<rect x="0" y="${y0}" width="${width}" height="${rowH}" fill="#f7f7f7"/>` : '',
      `<text class="chapter-label" x="8" y="${y0 + 18}" font-size="13" fill="#222">${escapeXml(title)}<title>${escapeXml(chapter.title)} (${id})</title></text>`,
      `<text x="8" y="${y0 + 34}" font-size="11" fill="${chapter.overBudget ? BUDGET : '#666'}">${escapeXml(sub)}${chapter.overBudget ? ' · over budget' : ''}</text>`,
      `<line x1="${x0}" x2="${x0}" y1="${y0 + 6}" y2="${y0 + rowH - 6}" stroke="#444"/>`,
      `<text x="${x0 + plotW}" y="${y0 + rowH - 4}" font-size="9" text-anchor="end" fill="#999">${escapeXml(formatDuration(rowMax))}</text>`,
    );
    runs.forEach((run, ri) => {
      const time = chapter.times[ri];
      const by = y0 + 8 + ri * (barH + 3);
      const colour = RUN_COLOURS[ri % RUN_COLOURS.length]!;
      const kind = time ? (time.complete ? '' : ' failed') : ' not-reached';
      const label = `${chapter.title}, run ${run}: ${time ? `${formatDuration(time.ms)}${time.complete ? '' : ' (failed in this chapter)'}` : 'not reached'}`;
      const w = time ? Math.max(1, x(time.ms) - x0) : 0;
      const style =
        !time || time.complete
          ? `fill="${colour}"`
          : `fill="${colour}" fill-opacity="0.3" stroke="${BUDGET}" stroke-dasharray="3 2"`;
      parts.push(
        `<rect class="bar${kind}" data-chapter="${id}" data-run="${run}" data-ms="${time ? Math.round(time.ms) : ''}" x="${x0}" y="${by}" width="${w}" height="${barH}" ${style}><title>${escapeXml(label)}</title></rect>`,
        `<text x="${x0 + w + 4}" y="${by + barH - 2}" font-size="${barH > 10 ? 10 : 8}" fill="${time && !time.complete ? BUDGET : '#555'}">${escapeXml(time ? `${formatDuration(time.ms)}${time.complete ? '' : ' failed'}` : `run ${run}: not reached`)}</text>`,
      );
    });
    const span = `y1="${y0 + 4}" y2="${y0 + rowH - 4}"`;
    if (chapter.medianMs !== undefined) {
      const mx = x(chapter.medianMs);
      parts.push(
        `<line class="median" x1="${mx}" x2="${mx}" ${span} stroke="#222" stroke-width="1.5"><title>median ${escapeXml(formatDuration(chapter.medianMs))}</title></line>`,
      );
    }
    if (chapter.budgetMs !== undefined) {
      const bx = x(chapter.budgetMs);
      parts.push(
        `<line class="budget" data-chapter="${id}" x1="${bx}" x2="${bx}" ${span} stroke="${BUDGET}" stroke-width="2" stroke-dasharray="6 4"><title>budget ${escapeXml(formatDuration(chapter.budgetMs))}</title></line>`,
      );
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.filter(Boolean).join('\n');
}

function legend(runs: number[], right: number, y: number): string {
  const items: string[] = [];
  let x = right;
  const add = (label: string, swatch: (sx: number) => string): void => {
    x -= 22 + label.length * 6.2 + 10;
    items.push(
      swatch(x),
      `<text x="${x + 18}" y="${y + 4}" font-size="11" fill="#333">${escapeXml(label)}</text>`,
    );
  };
  const line = (colour: string, extra: string) => (sx: number) =>
    `<line x1="${sx + 7}" x2="${sx + 7}" y1="${y - 6}" y2="${y + 6}" stroke="${colour}" ${extra}/>`;
  add('median', line('#222', 'stroke-width="1.5"'));
  add('budget', line(BUDGET, 'stroke-width="2" stroke-dasharray="4 2"'));
  add(
    'failed in the chapter',
    (sx) =>
      `<rect x="${sx}" y="${y - 6}" width="14" height="12" fill="#999" fill-opacity="0.3" stroke="${BUDGET}" stroke-dasharray="3 2"/>`,
  );
  // Many runs: one swatch each would not fit; the bars' tooltips name their run.
  const shown = runs.length > 6 ? [] : runs.map((run, i) => ({ run, i })).reverse();
  for (const { run, i } of shown) {
    const colour = RUN_COLOURS[i % RUN_COLOURS.length]!;
    add(`run ${run}`, (sx) => `<rect x="${sx}" y="${y - 6}" width="14" height="12" fill="${colour}"/>`);
  }
  if (shown.length === 0 && runs.length > 0)
    add(
      `runs ${runs[0]}–${runs[runs.length - 1]}, top to bottom`,
      (sx) => `<rect x="${sx}" y="${y - 6}" width="14" height="12" fill="${RUN_COLOURS[0]}"/>`,
    );
  return `<g class="legend">${items.join('')}</g>`;
}
