import { connect, type Socket } from 'node:net';
import { splitLines } from './ndjson.js';

/** What a follower of the speaker channel is told. */
export interface ChannelClientHandlers {
  /** One object the presenter published. */
  onMessage(message: unknown): void;
  /** Connected to a presenter, or lost it (and waiting for one). */
  onConnection(connected: boolean): void;
}

/**
 * A speaker view's end of the speaker channel: connects to the presenter's socket and, whenever there
 * is none or it goes away (the presenter quit, crashed, or restarts), tries again every `retryMs`, so
 * a view started first, or left open across a presenter restart, follows the next presenter on its own.
 */
export class SpeakerChannelClient {
  private socket: Socket | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private connected = false;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly handlers: ChannelClientHandlers,
    private readonly retryMs = 150,
  ) {}

  /** Start connecting (and keep reconnecting until {@link close}). */
  start(): void {
    this.attempt();
  }

  /** Send an object to the presenter; false when none is connected. */
  send(message: object): boolean {
    if (!this.socket || !this.connected) return false;
    this.socket.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  /** Stop following. */
  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.socket?.destroy();
    this.socket = undefined;
  }

  private attempt(): void {
    if (this.closed) return;
    const socket = connect(this.path);
    this.socket = socket;
    socket.setEncoding('utf8');
    const lines = splitLines((line) => {
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      this.handlers.onMessage(message);
    });
    socket.on('connect', () => {
      this.connected = true;
      this.handlers.onConnection(true);
    });
    socket.on('data', (chunk: string) => {
      if (!lines(chunk)) socket.destroy();
    });
    // An error is followed by close: both end in one retry.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.connected) {
        this.connected = false;
        this.handlers.onConnection(false);
      }
      if (!this.closed) this.retry = setTimeout(() => this.attempt(), this.retryMs);
    });
  }
}
