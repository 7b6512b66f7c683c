import type { StepStats } from '../../engine/rehearsal/aggregate.js';
import { formatDuration as d, verdict, type RehearsalReport } from './report-model.js';

/**
 * The rehearsal report as Markdown: runs, chapters against their budgets, steps (median, slowest,
 * failures, flaky), the components' own start-up against their steps, and each failing step's first
 * failure with its log tail. Pure.
 */
export function markdownReport(report: RehearsalReport): string {
  const { summary, lesson } = report;
  const runHeads = summary.runs.map((r) => `run ${r.run}`);
  const out: string[] = [
    `# Rehearsal of ${lesson.title}`,
    '',
    `\`${lesson.file}\`, chapters \`${report.range.from}\` to \`${report.range.to}\`, ${report.generatedAt}` +
      ` (${report.source === 'run' ? 'demystify run --report' : 'demystify rehearse'}).`,
    '',
    `**${verdict(report)}.**`,
    '',
    '## Runs',
    '',
    table(
      ['run', 'result', 'failed step', 'wall time'],
      summary.runs.map((r) => [
        String(r.run),
        r.ok ? 'passed' : 'failed',
        r.failedStep ? `\`${r.failedStep}\` (${r.failedChapter ?? ''})` : (r.error ?? ''),
        d(r.wallMs),
      ]),
    ),
    '',
    '## Chapters',
    '',
    'Time of a chapter: the sum of its steps. The median counts the runs where the chapter went through;',
    'a time in parentheses is a run that failed in that chapter.',
    '',
    table(
      ['chapter', 'budget', 'median', '', ...runHeads],
      [
        ...summary.chapters.map((c) => [
          `${c.title} (\`${c.id}\`)`,
          d(c.budgetMs),
          d(c.medianMs),
          c.overBudget ? '**over budget**' : c.budgetMs === undefined ? '' : 'within',
          ...c.times.map((t) => (t ? (t.complete ? d(t.ms) : `(${d(t.ms)})`) : '–')),
        ]),
        [
          '**total**',
          d(summary.total.budgetMs),
          d(summary.total.medianMs),
          summary.total.overBudget ? '**over budget**' : summary.total.budgetMs === undefined ? '' : 'within',
          ...summary.total.times.map((t) => (t.complete ? d(t.ms) : `(${d(t.ms)})`)),
        ],
      ],
    ),
    '',
    '## Steps',
    '',
    table(
      ['chapter', 'step', 'median', 'slowest', 'failed', ''],
      summary.steps.map((s) => [
        s.chapter,
        `\`${s.step}\``,
        d(s.medianMs),
        s.slowestMs === undefined ? '–' : `${d(s.slowestMs)} (run ${s.slowestRun})`,
        `${s.failed} of ${s.reached}`,
        stepFlag(s),
      ]),
    ),
  ];
  if (summary.components.length > 0) {
    out.push(
      '',
      '## Components: their own start-up, the floor',
      '',
      "From the component's process start to its readiness, against the step that starts it",
      '(typing, the shell, the probes on top). Medians over the runs.',
      '',
      table(
        ['component', 'step', 'start-up', 'step', 'overhead'],
        summary.components.map((c) => [
          c.component,
          `\`${c.step}\``,
          d(c.medianStartupMs),
          d(c.medianStepMs),
          d(c.overheadMs),
        ]),
      ),
    );
  }
  const failing = summary.steps.filter((s) => s.firstFailure);
  if (failing.length > 0) out.push('', '## Failures');
  for (const s of failing) {
    const f = s.firstFailure!;
    out.push(
      '',
      `### \`${s.step}\` (${s.chapter}): failed in ${s.failed} of ${s.reached} runs${s.flaky ? ', flaky' : ''}`,
      '',
      `First failure, run ${f.run}: ${f.reason}. Last lines of its session's log:`,
      '',
      fenced(f.logTail.join('\n')),
    );
  }
  return `${out.join('\n')}\n`;
}

/** `flaky`, `failed` or nothing. */
export function stepFlag(s: StepStats): string {
  if (s.flaky) return '**flaky**';
  if (s.failed > 0) return 'failed';
  if (s.reached === 0) return 'not reached';
  if (s.skipped === s.reached) return 'skipped';
  return '';
}

function table(head: string[], rows: string[][]): string {
  const cell = (c: string): string => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}
