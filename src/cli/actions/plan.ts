import { loadLesson } from '../../adapters/lessons/lesson-files.js';
import { candidateSlots, defaultAddress, parseNodeAddress } from '../../adapters/isolation/address.js';
import { isolatedNode } from '../../adapters/isolation/record.js';
import { UsageError } from '../../errors.js';
import { buildPlan, type PlanOptions } from '../../engine/plan.js';
import type { Plan } from '../../engine/plan-model.js';
import type { Lesson } from '../../lesson/model.js';
import { lessonWorkdir, parsePins, parseSetFlags } from '../common.js';
import type { CliIo } from '../context.js';
import { pinsLine } from './in-effect.js';

/** Options of `demystify plan`. */
export interface PlanCommandOptions {
  from?: string;
  to?: string;
  lang?: string;
  set?: string[];
  pin?: string[];
  workdir?: string;
  json?: boolean;
  isolate?: boolean;
  address?: string;
}

/** The identifier of the JSON plan's schema, bumped on any incompatible change. */
const PLAN_SCHEMA = 'demystify.plan/v1';

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
    ...(await plannedNode(lesson, workdir.root, opts).then((node) => (node ? { node } : {}))),
  });
  io.stdout(opts.json ? planJson(plan) : formatPlan(plan));
  return 0;
}

/**
 * The `${node.ip}` a run in this work directory would use: its isolated namespace's address when it exists;
 * else, when the run would be isolated (`--isolate`, or the lesson's front matter, unless `--no-isolate`),
 * the address it takes first (`--address`, the lesson's `isolate.address`, or the work directory's preferred
 * 10.200.X.2/30, moved on only if another lesson holds it); else nothing: 127.0.0.1.
 */
async function plannedNode(
  lesson: Lesson,
  root: string,
  opts: Pick<PlanCommandOptions, 'isolate' | 'address'>,
): Promise<PlanOptions['node']> {
  const live = await isolatedNode(root);
  if (live && opts.isolate !== false) return { ...live, source: 'namespace' };
  const isolated = opts.isolate === true || (opts.isolate !== false && lesson.isolate?.enabled === true);
  if (!isolated) {
    if (opts.address !== undefined) throw new UsageError('--address needs an isolated run (--isolate)');
    return undefined;
  }
  const address = opts.address ?? lesson.isolate?.address;
  const ip =
    address !== undefined
      ? parseNodeAddress(address).node
      : defaultAddress(candidateSlots(root)[0] ?? 1).node;
  return { ip, name: 'node', source: 'planned' };
}

/** The plan's header line about `${node.ip}`: which address, and why that one. */
function nodeLine(node: Plan['node']): string {
  switch (node.source) {
    case 'namespace':
      return `node: ${node.ip} (\${node.ip}: the address of this work directory's network namespace)`;
    case 'planned':
      return `node: ${node.ip} (\${node.ip}: the address an isolated run here takes, unless another lesson holds it; --no-isolate: 127.0.0.1)`;
    case 'loopback':
      return `node: ${node.ip} (\${node.ip}: a run without isolation; an isolated one gives the node an address of its own)`;
    default:
      return `node: ${node.ip}`;
  }
}

/** Exactly what `demystify plan --json` prints (docs/plan-schema.md). */
export function planJson(plan: Plan): string {
  return `${JSON.stringify({ schema: PLAN_SCHEMA, ...plan }, null, 2)}\n`;
}

/** The plan as a person reads it: chapters, then each step with its session, command, probes and expectations. */
function formatPlan(plan: Plan): string {
  const lines: string[] = [`${plan.lessonId} (${plan.lang}) in ${plan.workdir}`];
  const options = Object.entries(plan.options);
  if (options.length) lines.push(`options: ${options.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const pins = pinsLine(plan.pins);
  if (pins) lines.push(pins.trimEnd());
  lines.push(nodeLine(plan.node));
  // Steps by hand are listed where the lesson has them: after the planned step they follow.
  const byHand = (chapterId: string, after?: number): void => {
    const here = plan.excluded.filter(
      (e) => e.chapterId === chapterId && (after === undefined || e.after === after),
    );
    for (const step of here) {
      lines.push(`  -. ${step.name} (by hand: never run by run${step.sudo ? ', sudo' : ''})`);
      for (const line of step.command.split('\n')) lines.push(`       $ ${line}`);
    }
  };
  plan.chapters.forEach((chapter) => {
    lines.push('', `## ${chapter.title} {#${chapter.id}}`);
    const first = chapter.steps[0];
    byHand(chapter.id, first === undefined ? undefined : first - 1);
    for (const i of chapter.steps) {
      const step = plan.steps[i];
      if (!step) continue;
      const tags = [
        step.component ? `starts ${step.component}` : '',
        step.check ? 'check' : '',
        step.sudo ? 'sudo' : '',
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
      byHand(chapter.id, step.index);
    }
  });
  return `${lines.join('\n')}\n`;
}
