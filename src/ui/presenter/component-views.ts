import type { EngineState } from '../../engine/machine.js';
import type { Lesson } from '../../lesson/model.js';

/** What the presenter knows of a session from tmux (see session-monitor.ts). */
export interface SessionLiveness {
  /** The tmux session exists. */
  exists: boolean;
  /** Something other than the session's shell runs in the foreground (the component's process). */
  busy: boolean;
  /** Epoch ms since when it has not been busy, when it was seen busy before or the engine started it. */
  idleSince?: number;
  /** Its window's size, and whether tmux's status line is off in it (the terminal pane hides it). */
  window?: { width: number; height: number; statusOff: boolean };
}

/** Where a component stands, as the status line shows it. */
export type ComponentPhase = 'not-started' | 'starting' | 'ready' | 'failed' | 'down' | 'running';

/** One component in the status line. */
export interface ComponentView {
  name: string;
  session: string;
  phase: ComponentPhase;
  /** Epoch ms: since when it is down (phase `down`). */
  since?: number;
}

/**
 * Each component's phase, from what the engine did (the step that starts it: pending, running, ok,
 * failed) and what tmux shows now (is its process still in the foreground of its session). The
 * engine decides what runs; this only reads. A component the engine started and that no longer runs
 * is `down` since the moment the monitor saw it stop; one started by hand in its session is `running`.
 */
export function componentViews(
  lesson: Lesson,
  engine: EngineState,
  live: ReadonlyMap<string, SessionLiveness>,
): ComponentView[] {
  return Object.values(lesson.components).map((component): ComponentView => {
    const base = { name: component.name, session: component.session };
    const session = live.get(component.session);
    const starters = engine.plan.steps.filter((s) => s.component === component.name);
    // The latest step that starts it and has done something decides (a later chapter may restart it).
    const latest = [...starters].reverse().find((s) => engine.steps[s.index]?.status !== 'pending');
    const status = latest ? engine.steps[latest.index]?.status : undefined;
    if (status === 'running') return { ...base, phase: 'starting' };
    if (status === 'ok') {
      if (!session || session.busy) return { ...base, phase: 'ready' };
      return {
        ...base,
        phase: 'down',
        ...(session.idleSince === undefined ? {} : { since: session.idleSince }),
      };
    }
    if (status === 'failed' || status === 'timed-out')
      return { ...base, phase: session?.busy ? 'running' : 'failed' };
    return { ...base, phase: session?.busy ? 'running' : 'not-started' };
  });
}
