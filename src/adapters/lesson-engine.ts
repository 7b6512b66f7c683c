import { resolve } from 'node:path';
import { createEngine, type Engine } from '../engine/engine.js';
import type { SavedProgress } from '../engine/machine.js';
import { buildPlan } from '../engine/plan.js';
import type { Plan } from '../engine/plan-model.js';
import type { Typing, TypingPace } from '../engine/ports.js';
import type { Lesson } from '../lesson/model.js';
import { LessonMachine, type MachineDeps } from './lesson-machine.js';
import { isolatedNode } from './netns-record.js';
import { isAlive, processTable } from './process-tree.js';

/** How to open a lesson's engine. */
export interface LessonEngineOptions {
  /** Work directory root. */
  workdir: string;
  /** Folder of binaries first on PATH instead of `<workdir>/bin`. */
  binDir?: string;
  /** Lesson option values (`--set`). */
  options?: Record<string, string>;
  /** Typing speed outside fast-forwards: `instant` for headless runs and learners, `human` on stage. */
  typing: Typing;
  /** The pace of human typing, changed while it types (the presenter's keys). */
  pace?: TypingPace;
  /** Running as root (default: this process's uid is 0): `sudo` is left out of commands. */
  asRoot?: boolean;
  deps?: MachineDeps;
  /** `${node.ip}` and `${node.name}` (default: the isolated namespace's, else 127.0.0.1 and node). */
  node?: { ip: string; name: string };
}

/** An engine on a lesson's machine: what the headless runner and the presenter are clients of. */
export interface LessonEngine {
  engine: Engine;
  machine: LessonMachine;
  plan: Plan;
}

/**
 * Plan the whole lesson (every chapter, so that any chapter can be fast-forwarded to), open its work
 * directory's machine and make the engine. Progress in state.json is taken up again only while the
 * machine it describes still runs (its tmux server is alive): after a reboot or a cleanup it starts over.
 */
export async function openLessonEngine(lesson: Lesson, options: LessonEngineOptions): Promise<LessonEngine> {
  // Isolated (isolation.json): `${node.ip}` is the namespace's node address.
  const node = options.node ?? (await isolatedNode(options.workdir));
  const plan = buildPlan(lesson, {
    workdir: options.workdir,
    ...(options.binDir ? { binDir: options.binDir } : {}),
    ...(options.options ? { options: options.options } : {}),
    asRoot: options.asRoot ?? process.getuid?.() === 0,
    ...(node ? { node } : {}),
  });
  const machine = await LessonMachine.open(
    options.workdir,
    {
      lessonId: lesson.id,
      // Absolute: `replay`, `status` from another folder must find this very file again.
      lessonFile: resolve(lesson.file),
      options: plan.options,
      ...(options.binDir ? { binDir: options.binDir } : {}),
      reset: lesson.reset,
      ...(lesson.tls ? { tls: lesson.tls } : {}),
    },
    options.deps ?? {},
  );
  const saved = await liveProgress(machine);
  const ports = machine.ports(options.typing);
  const engine = createEngine(plan, options.pace ? { ...ports, pace: options.pace } : ports, saved);
  return { engine, machine, plan };
}

/** The saved progress, if the machine it describes is still running. */
async function liveProgress(machine: LessonMachine): Promise<SavedProgress | undefined> {
  const state = machine.current();
  if (!state.progress) return undefined;
  const table = await processTable();
  const server = state.processes.find((p) => p.role === 'tmux-server');
  return server && isAlive(server, table) ? state.progress : undefined;
}
