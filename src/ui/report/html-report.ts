import { chapterChart, escapeXml as e } from './chart-svg.js';
import { stepFlag } from './markdown-report.js';
import { formatDuration as d, verdict, type RehearsalReport } from './report-model.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 24px auto; max-width: 1140px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.meta { color: #666; } .verdict { font-size: 16px; font-weight: 600; margin: 12px 0; }
.verdict.ok { color: #2e7d32; } .verdict.bad { color: #c0392b; }
table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.flaky { color: #b35c00; font-weight: 700; } .failed, .over { color: #c0392b; font-weight: 600; }
pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; font-size: 12px; }
figure { margin: 12px 0; } svg { max-width: 100%; height: auto; }
`;

/**
 * The rehearsal report as one self-contained HTML page: inline CSS, the chart as inline SVG, no script
 * and no external resource, so it opens offline and can be mailed. Pure.
 */
export function htmlReport(report: RehearsalReport): string {
  const { summary, lesson } = report;
  const runs = summary.runs.map((r) => r.run);
  const allOk = summary.runs.length > 0 && summary.passed === summary.runs.length;
  const body: string[] = [
    `<h1>Rehearsal of ${e(lesson.title)}</h1>`,
    `<div class="meta"><code>${e(lesson.file)}</code>, chapters <code>${e(report.range.from)}</code> to <code>${e(report.range.to)}</code>, ${e(report.generatedAt)}</div>`,
    `<p class="verdict ${allOk ? 'ok' : 'bad'}">${e(verdict(report))}.</p>`,
    `<figure>${chapterChart(summary.chapters, runs)}</figure>`,
    '<h2>Runs</h2>',
    table(
      ['run', 'result', 'failed step', 'wall time'],
      summary.runs.map((r) => [
        String(r.run),
        r.ok ? 'passed' : cls('failed', 'failed'),
        r.failedStep ? `<code>${e(r.failedStep)}</code> (${e(r.failedChapter ?? '')})` : e(r.error ?? ''),
        d(r.wallMs),
      ]),
      [0, 3],
    ),
    '<h2>Chapters</h2>',
    table(
      ['chapter', 'budget', 'median', '', ...runs.map((r) => `run ${r}`)],
      [
        ...summary.chapters.map((c) => [
          `${e(c.title)} <code>${e(c.id)}</code>`,
          d(c.budgetMs),
          d(c.medianMs),
          c.overBudget ? cls('over', 'over budget') : c.budgetMs === undefined ? '' : 'within',
          ...c.times.map((t) => (t ? (t.complete ? d(t.ms) : cls('failed', `(${d(t.ms)})`)) : '–')),
        ]),
        [
          '<b>total</b>',
          d(summary.total.budgetMs),
          d(summary.total.medianMs),
          summary.total.overBudget
            ? cls('over', 'over budget')
            : summary.total.budgetMs === undefined
              ? ''
              : 'within',
          ...summary.total.times.map((t) => (t.complete ? d(t.ms) : cls('failed', `(${d(t.ms)})`))),
        ],
      ],
      [1, 2, ...runs.map((_, i) => 4 + i)],
    ),
    '<h2>Steps</h2>',
    table(
      ['chapter', 'step', 'median', 'slowest', 'failed', ''],
      summary.steps.map((s) => [
        e(s.chapter),
        `<code>${e(s.step)}</code>`,
        d(s.medianMs),
        s.slowestMs === undefined ? '–' : `${d(s.slowestMs)} (run ${s.slowestRun})`,
        `${s.failed} of ${s.reached}`,
        s.flaky ? cls('flaky', 'flaky') : s.failed > 0 ? cls('failed', 'failed') : e(stepFlag(s)),
      ]),
      [2, 3, 4],
      summary.steps.map((s) => (s.flaky ? 'flaky-step' : '')),
    ),
  ];
  if (summary.components.length > 0) {
    body.push(
      '<h2>Components: their own start-up, the floor</h2>',
      "<p>From the component's process start to its readiness, against the step that starts it (typing, the shell, the probes on top). Medians over the runs.</p>",
      table(
        ['component', 'step', 'start-up', 'step', 'overhead'],
        summary.components.map((c) => [
          e(c.component),
          `<code>${e(c.step)}</code>`,
          d(c.medianStartupMs),
          d(c.medianStepMs),
          d(c.overheadMs),
        ]),
        [2, 3, 4],
      ),
    );
  }
  const failing = summary.steps.filter((s) => s.firstFailure);
  if (failing.length > 0) body.push('<h2>Failures</h2>');
  for (const s of failing) {
    const f = s.firstFailure!;
    body.push(
      `<h3><code>${e(s.step)}</code> (${e(s.chapter)}): failed in ${s.failed} of ${s.reached} runs${s.flaky ? ', <span class="flaky">flaky</span>' : ''}</h3>`,
      `<p>First failure, run ${f.run}: ${e(f.reason)}. Last lines of its session's log:</p>`,
      `<pre>${e(f.logTail.join('\n'))}</pre>`,
    );
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Rehearsal of ${e(lesson.title)}</title>`,
    `<style>${STYLE}</style></head>`,
    `<body>\n${body.join('\n')}\n</body></html>`,
    '',
  ].join('\n');
}

function cls(name: string, html: string): string {
  return `<span class="${name}">${html}</span>`;
}

/** An HTML table; cells are HTML already; `numeric` columns are right-aligned. */
function table(head: string[], rows: string[][], numeric: number[] = [], rowClasses: string[] = []): string {
  const attr = (i: number): string => (numeric.includes(i) ? ' class="num"' : '');
  const th = head.map((h, i) => `<th${attr(i)}>${e(h)}</th>`).join('');
  const trs = rows.map((r, ri) => {
    const c = rowClasses[ri] ? ` class="${rowClasses[ri]}"` : '';
    return `<tr${c}>${r.map((cell, i) => `<td${attr(i)}>${cell}</td>`).join('')}</tr>`;
  });
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs.join('\n')}\n</tbody></table>`;
}
