import type { TypingPace } from '../../engine/ports.js';

/** The speeds the faster/slower keys step through, in keys per second (24: a person on stage). */
export const PACES = [12, 24, 40, 60, 120];
/** Stage speed: what a room can follow. */
export const STAGE_PACE = 24;
/** The default: a learner on their own reads faster than a room follows. */
const DEFAULT_PACE = 60;
/** What one key costs besides the pause (a tmux command): measured, about 7 ms. */
const KEY_COST_MS = 7;

/**
 * The presenter's typing pace: the engine reads it before every key, so a speed change applies to the
 * command being typed, and `hurry` pastes the rest of the step at once (cleared when a step starts).
 */
export class PresenterPace implements TypingPace {
  hurry = false;

  constructor(public keysPerSecond: number = DEFAULT_PACE) {}

  keyDelayMs(): number {
    return Math.max(0, Math.round(1000 / this.keysPerSecond - KEY_COST_MS));
  }

  /** One step faster (+1) or slower (-1) along {@link PACES}; returns the new speed. */
  step(direction: 1 | -1): number {
    const i = PACES.findIndex((p) => p >= this.keysPerSecond);
    const at = i === -1 ? PACES.length - 1 : i;
    const next = PACES[Math.max(0, Math.min(PACES.length - 1, at + direction))] ?? this.keysPerSecond;
    this.keysPerSecond = next;
    return next;
  }
}
