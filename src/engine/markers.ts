import { chapterOf } from './chapters.js';
import type { EngineEvent, EngineState } from './machine-types.js';

/** A marker in a recording: where a chapter or a step starts, or where the machine was reset. */
export interface Marker {
  kind: 'chapter' | 'step' | 'reset';
  /** What a player shows: the chapter's title ("The scheduler"), `▸ ` and the step's name, `reset`. */
  label: string;
  /** Chapter id (chapter and step markers). */
  chapter?: string;
  /** Step name (step markers). */
  step?: string;
}

/** What the marker function remembers between events: the chapter last marked. */
export interface MarkerMemory {
  chapter?: number;
}

/**
 * The markers an engine transition calls for (pure): a step that starts marks its chapter when that is
 * not the chapter last marked, then itself (`▸ name`, `▸ name (fast-forward)`); the presenter moving to
 * another chapter (next, previous, jump) marks it; a finished reset is marked and forgets the chapter,
 * so the first step after it marks its chapter again.
 */
export function markersFor(
  state: EngineState,
  event: EngineEvent,
  memory: MarkerMemory,
): { markers: Marker[]; memory: MarkerMemory } {
  const { plan } = state;
  const chapterMarker = (index: number): Marker[] => {
    const chapter = plan.chapters[index];
    return chapter && index !== memory.chapter
      ? [{ kind: 'chapter', label: chapter.title, chapter: chapter.id }]
      : [];
  };
  switch (event.type) {
    case 'step-started': {
      const step = plan.steps[event.step];
      if (!step) return { markers: [], memory };
      const chapter = chapterOf(plan, event.step);
      const fast = state.steps[event.step]?.fast ? ' (fast-forward)' : '';
      const markers: Marker[] = [
        ...chapterMarker(chapter),
        { kind: 'step', label: `▸ ${step.name}${fast}`, chapter: step.chapterId, step: step.name },
      ];
      return { markers, memory: { chapter } };
    }
    case 'next':
    case 'previous':
    case 'jump-to-chapter': {
      const markers = chapterMarker(state.chapter);
      return { markers, memory: markers.length > 0 ? { chapter: state.chapter } : memory };
    }
    case 'reset-finished':
      return { markers: event.error ? [] : [{ kind: 'reset', label: 'reset' }], memory: {} };
    default:
      return { markers: [], memory };
  }
}
