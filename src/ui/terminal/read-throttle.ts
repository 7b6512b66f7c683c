/**
 * When the terminal pane's tmux client reads, and when it waits.
 *
 * Backlog: bytes given to the emulator and not parsed yet; above HIGH_WATER the pty is paused until
 * the emulator is down to LOW_WATER, so memory stays bounded.
 *
 * Bucket: the client may read BUCKET bytes at once, and FRAME_REFILL more each frame; once the bucket
 * is empty the pty waits for the next frame. A switch of session or a burst (a whole screen redrawn)
 * comes through at once; a program that floods its output fills tmux's buffer for this client instead,
 * and tmux stops sending it every scrolled line, redrawing the whole pane once the client has caught
 * up (its own "blocked client" handling): the emulator parses a few screens a second instead of every
 * line of `yes`.
 *
 * One read a frame: after each read the pty waits for the next frame. tmux writes its client many small
 * pieces (a cursor move, a few characters: thousands a second while a pane scrolls); read as they come,
 * each costs a wake-up, a callback and a parse call. Waiting lets them gather in the pty, read in one go.
 */
const HIGH_WATER = 512 * 1024;
const LOW_WATER = 64 * 1024;
const BUCKET = 96 * 1024;
const FRAME_REFILL = 4 * 1024;
/** Frames a second while a program floods the pane (the bucket ran dry in the last second). */
export const FLOOD_FPS = 6;

/** The flow of one client's bytes: read, parsed, frames. */
export class ReadThrottle {
  /** The pty is paused now (the caller keeps it in step). */
  paused = false;
  private pending = 0;
  private backlog = false;
  private throttled = false;
  /** A read happened in this frame: the next waits for the next frame. */
  private waiting = false;
  private budget = BUCKET;
  /** Epoch ms the bucket last ran dry. */
  private dryAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether the pty should be paused. */
  get shouldPause(): boolean {
    return this.backlog || this.throttled || this.waiting;
  }

  /** `bytes` were read; true when that changed whether to pause. */
  read(bytes: number): boolean {
    const before = this.shouldPause;
    this.waiting = true;
    this.pending += bytes;
    // A debt deeper than one refill is forgiven: what was read already was read.
    this.budget = Math.max(-FRAME_REFILL, this.budget - bytes);
    if (this.pending > HIGH_WATER) this.backlog = true;
    if (this.budget <= 0) {
      this.throttled = true;
      this.dryAt = this.now();
    }
    return before !== this.shouldPause;
  }

  /** The emulator parsed `bytes`; true when that changed whether to pause. */
  parsed(bytes: number): boolean {
    this.pending -= bytes;
    if (!this.backlog || this.pending >= LOW_WATER) return false;
    this.backlog = false;
    return true;
  }

  /** A frame: the bucket refills; true when reading may go on again. */
  frame(): boolean {
    const before = this.shouldPause;
    this.waiting = false;
    this.budget = Math.min(BUCKET, this.budget + FRAME_REFILL);
    if (this.throttled && this.budget > 0) this.throttled = false;
    return before !== this.shouldPause;
  }

  /** A flood is on: the bucket ran dry in the last second. */
  flooding(): boolean {
    return this.now() - this.dryAt < 1000;
  }

  /** A new client: nothing pending, a full bucket. */
  reset(): void {
    this.pending = 0;
    this.paused = false;
    this.backlog = false;
    this.throttled = false;
    this.waiting = false;
    this.budget = BUCKET;
  }
}
