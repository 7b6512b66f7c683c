import { loadLesson } from '../../adapters/lesson-files.js';
import { isolatedNode } from '../../adapters/netns-record.js';
import { buildPlan } from '../../engine/plan.js';
import type { Plan } from '../../engine/plan-model.js';
import { lessonWorkdir, parsePins, parseSetFlags } from '../common.js';
import type { CliIo } from '../context.js';
import type { PlanCommandOptions } from '../commands/plan.js';
import { pinsLine } from './in-effect.js';

/** The identifier of the JSON plan's schema, bumped on any incompatible change. */
export const PLAN_SCHEMA = 'demystify.plan/v1';

/** Print a lesson's plan as text or JSON. */
export async function runPlan(ref: string | undefined, opts: PlanCommandOptions, io: CliIo): Promise<number> {
  const lesson = await loadLesson(ref, opts.lang ? { lang: opts.lang } : {});
  const workdir = lessonWorkdir(lesson.id, opts.workdir);
  const plan = buildPlan(lesson, {
    workdir: workdir.root,
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    options: parseSetFlags(opts.set),
    pins: parsePins(opts.pin),
    asRoot: process.getuid?.() === 0,
    // An isolated work directory's node address, as a run there would use it for `${node.ip}`.
    ...(await isolatedNode(workdir.root).then((node) => (node ? { node } : {}))),
  });
  io.stdout(opts.json ? planJson(plan) : formatPlan(plan));
  return 0;
}

/** Exactly what `demystify plan --json` prints (docs/plan-schema.md). */
export function planJson(plan: Plan): string {
  return `${JSON.stringify({ schema: PLAN_SCHEMA, ...plan }, null, 2)}\n`;
}

/** The plan as a person reads it: chapters, then each step with its session, command, probes and expectations. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [`${plan.lessonId} (${plan.lang}) in ${plan.workdir}`];
  const options = Object.entries(plan.options);
  if (options.length) lines.push(`options: ${options.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const pins = pinsLine(plan.pins);
  if (pins) lines.push(pins.trimEnd());
  plan.chapters.forEach((chapter) => {
    lines.push('', `## ${chapter.title} {#${chapter.id}}`);
    for (const i of chapter.steps) {
      const step = plan.steps[i];
      if (!step) continue;
      const tags = [
        step.component ? `starts ${step.component}` : '',
        step.check ? 'check' : '',
        step.interactive ? 'interactive' : '',
        step.background ? 'background' : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `${String(step.index + 1).padStart(3)}. ${step.name} [${step.session}]${tags ? ` (${tags})` : ''}`,
      );
      for (const line of step.command.split('\n')) lines.push(`       $ ${line}`);
      if (step.ready.length) lines.push(`       ready: ${step.ready.map((p) => p.raw).join(', ')}`);
      const expect = [
        step.expect.fail ? 'fail' : '',
        step.expect.exit !== undefined ? `exit=${step.expect.exit}` : '',
        step.expect.output ? `output=/${step.expect.output.pattern}/${step.expect.output.flags}` : '',
      ].filter(Boolean);
      if (expect.length) lines.push(`       expect: ${expect.join(' ')}`);
    }
  });
  return `${lines.join('\n')}\n`;
}
