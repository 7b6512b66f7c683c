import { resolve } from 'node:path';
import { createEngine, type Engine } from '../../engine/engine.js';
import type { SavedProgress } from '../../engine/machine.js';
import { buildPlan } from '../../engine/plan.js';
import type { Plan } from '../../engine/plan-model.js';
import type { Typing, TypingPace } from '../../engine/ports.js';
import type { Lesson } from '../../lesson/model.js';
import { WorkdirRuntime, type WorkdirRuntimeDeps } from './workdir-runtime.js';
import { isolatedNode } from '../isolation/record.js';
import { isAlive, processTable } from '../processes/process-tree.js';

/** How to open a lesson's engine. */
export interface LessonEngineOptions {
  /** Work directory root. */
  workdir: string;
  /** Folder of binaries first on PATH instead of `<workdir>/bin`. */
  binDir?: string;
  /** Lesson option values (`--set`). */
  options?: Record<string, string>;
  /** Versions instead of the lesson's (`--pin NAME=VERSION`). */
  pins?: Record<string, string>;
  /** Typing speed outside fast-forwards: `instant` for headless runs and learners, `human` on stage. */
  typing: Typing;
  /** The pace of human typing, changed while it types (the presenter's keys). */
  pace?: TypingPace;
  /** Running as root (default: this process's uid is 0): `sudo` is left out of commands. */
  asRoot?: boolean;
  deps?: WorkdirRuntimeDeps;
  /** `${node.ip}` and `${node.name}` (default: the isolated namespace's, else 127.0.0.1 and node). */
  node?: { ip: string; name: string };
}

/** An engine on a work directory's runtime: what the headless runner and the presenter are clients of. */
export interface LessonEngine {
  engine: Engine;
  runtime: WorkdirRuntime;
  plan: Plan;
  /** The machine state.json describes still runs (its tmux server): its progress and talk go on. */
  resumed: boolean;
}

/**
 * Plan the whole lesson (every chapter, so that any chapter can be fast-forwarded to), open its work
 * directory's runtime and make the engine. Progress in state.json is taken up again only while the
 * machine it describes still runs (its tmux server is alive): after a reboot or a cleanup it starts over.
 */
export async function openLessonEngine(lesson: Lesson, options: LessonEngineOptions): Promise<LessonEngine> {
  // Isolated (isolation.json): `${node.ip}` is the namespace's node address.
  const node = options.node ?? (await isolatedNode(options.workdir));
  const plan = buildPlan(lesson, {
    workdir: options.workdir,
    ...(options.binDir ? { binDir: options.binDir } : {}),
    ...(options.options ? { options: options.options } : {}),
    ...(options.pins ? { pins: options.pins } : {}),
    asRoot: options.asRoot ?? process.getuid?.() === 0,
    ...(node ? { node } : {}),
  });
  const runtime = await WorkdirRuntime.open(
    options.workdir,
    {
      lessonId: lesson.id,
      // Absolute: commands typed in the lesson's sessions (cwd: the work directory) find it again.
      lessonFile: resolve(lesson.file),
      options: plan.options,
      pins: plan.pins ?? {},
      ...(options.binDir ? { binDir: options.binDir } : {}),
      reset: lesson.reset,
      ...(lesson.leftovers ? { leftovers: lesson.leftovers } : {}),
      ...(lesson.tls ? { tls: lesson.tls } : {}),
    },
    options.deps ?? {},
  );
  const resumed = await runtimeRuns(runtime);
  const saved: SavedProgress | undefined = resumed ? runtime.current().progress : undefined;
  const ports = runtime.ports(options.typing);
  const engine = createEngine(plan, options.pace ? { ...ports, pace: options.pace } : ports, saved);
  return { engine, runtime, plan, resumed };
}

/** Whether the machine state.json describes is still running (its tmux server is alive). */
async function runtimeRuns(runtime: WorkdirRuntime): Promise<boolean> {
  const state = runtime.current();
  const server = state.processes.find((p) => p.role === 'tmux-server');
  if (!server) return false;
  return isAlive(server, await processTable());
}
