import { SpeakerChannelServer } from '../../adapters/speaker-channel/channel-server.js';
import { speakerSocketPath } from '../../adapters/speaker-channel/socket-path.js';
import { isCleanupRequest, type CleanupAccepted } from '../../adapters/speaker-channel/cleanup-request.js';
import type { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import type { Engine } from '../../engine/engine.js';
import { enterChapter, isTalkClock, startTalk, type TalkClock } from '../../engine/talk-clock.js';
import type { Lesson } from '../../lesson/model.js';
import { componentViews, type SessionLiveness } from '../presenter/component-views.js';
import { buildSnapshot } from './speaker-snapshot.js';

/** What the presenter gives its speaker publisher. */
export interface SpeakerPublisherParts {
  lesson: Lesson;
  engine: Engine;
  /**
   * The lesson's runtime: its work directory (the channel's socket is found from it) and state.json,
   * where the talk's clock is kept.
   */
  runtime: Pick<WorkdirRuntime, 'files' | 'store' | 'current'>;
  /** The machine state.json describes was still running: its talk goes on (else a new talk starts). */
  resumed: boolean;
  /** What tmux shows of each session (the presenter's session monitor). */
  monitor: { readonly current: ReadonlyMap<string, SessionLiveness> };
  now?: () => number;
  /** Where to listen (default: the work directory's speaker socket). */
  socketPath?: string;
  /**
   * `demystify cleanup` asked the presenter to clean up and quit (it was refused the work directory's
   * lock, which the presenter holds). Absent: such a request is not answered, and `cleanup` refuses.
   */
  onCleanup?: (purge: boolean) => void;
}

/** Engine events by which the presenter moves elsewhere. */
const MOVES = new Set(['next', 'previous', 'jump-to-chapter', 'replay-chapter', 'run', 'reset-finished']);

/** A message a speaker view may send: restart the talk's clock (`T` in the view). */
export interface RestartClockMessage {
  type: 'restart-clock';
}

/**
 * The presenter's side of the speaker view: it keeps the talk's clock (in state.json, so that it
 * survives a restart of the presenter) and publishes a snapshot on the speaker channel after every
 * change of the engine's state, and when the presenter calls {@link publish} (the components changed).
 * Several changes in one tick make one snapshot; a snapshot equal to the last one is not sent again.
 * It never stops the presenter: a channel that cannot open only means no speaker view can follow.
 */
export class SpeakerPublisher {
  private clock: TalkClock;
  private channel: SpeakerChannelServer | undefined;
  private unsubscribe: (() => void) | undefined;
  private pending: ReturnType<typeof setImmediate> | undefined;
  private lastSent = '';
  private finished: number | undefined;
  private stopped = false;
  private readonly now: () => number;

  private constructor(private readonly parts: SpeakerPublisherParts) {
    this.now = parts.now ?? Date.now;
    const chapter = this.chapterId();
    const talk: unknown = parts.runtime.current().talk;
    const kept = parts.resumed && isTalkClock(talk) ? talk : undefined;
    this.clock = kept ? enterChapter(kept, chapter, this.now()) : startTalk(chapter, this.now());
  }

  /** Keep the clock, open the channel and publish the first snapshot. */
  static async start(parts: SpeakerPublisherParts): Promise<SpeakerPublisher> {
    const publisher = new SpeakerPublisher(parts);
    publisher.save();
    try {
      publisher.channel = await SpeakerChannelServer.listen(
        parts.socketPath ?? speakerSocketPath(parts.runtime.files.layout.root),
        (message, reply) => publisher.onMessage(message, reply),
      );
    } catch {
      // No speaker view then; the presenter goes on.
    }
    publisher.unsubscribe = parts.engine.subscribe((_state, event) => {
      // The step that just ended stays the speaker's "now" (with its notes) until the presenter moves.
      if (event.type === 'step-finished') publisher.finished = event.step;
      else if (event.type === 'step-started' || MOVES.has(event.type)) publisher.finished = undefined;
      publisher.publish();
    });
    publisher.send();
    return publisher;
  }

  /** The talk's clock now. */
  get talk(): TalkClock {
    return this.clock;
  }

  /** Something the speaker view shows may have changed: publish soon (once per tick). */
  publish(): void {
    if (this.stopped || this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      this.send();
    });
  }

  /** Stop publishing and close the channel (followers then wait for the next presenter). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.pending) clearImmediate(this.pending);
    await this.channel?.close();
  }

  private onMessage(message: unknown, reply: (message: object) => void): void {
    if (isCleanupRequest(message)) {
      if (this.stopped || !this.parts.onCleanup) return;
      const accepted: CleanupAccepted = { type: 'cleanup-accepted' };
      // Answered first: the presenter quitting closes the channel.
      reply(accepted);
      this.parts.onCleanup(message.purge);
      return;
    }
    if ((message as Partial<RestartClockMessage> | null)?.type !== 'restart-clock' || this.stopped) return;
    this.clock = startTalk(this.chapterId(), this.now());
    this.save();
    this.publish();
  }

  private send(): void {
    if (this.stopped) return;
    const chapter = this.chapterId();
    if (chapter !== this.clock.chapter) {
      this.clock = enterChapter(this.clock, chapter, this.now());
      this.save();
    }
    if (!this.channel) return;
    const state = this.parts.engine.getState();
    const snapshot = buildSnapshot({
      lesson: this.parts.lesson,
      engine: state,
      components: componentViews(this.parts.lesson, state, this.parts.monitor.current),
      clock: this.clock,
      ...(this.finished === undefined ? {} : { finished: this.finished }),
      now: this.now(),
    });
    const { sentAt: _sentAt, ...content } = snapshot;
    const key = JSON.stringify(content);
    if (key === this.lastSent) return;
    this.lastSent = key;
    this.channel.publish(snapshot);
  }

  private chapterId(): string {
    const state = this.parts.engine.getState();
    return state.plan.chapters[state.chapter]?.id ?? '';
  }

  /** Write the clock into state.json (after the engine's own writes: the store runs them in turn). */
  private save(): void {
    const clock = this.clock;
    void this.parts.runtime.store
      .update((s) => {
        s.talk = clock;
      })
      .catch(() => undefined);
  }
}
