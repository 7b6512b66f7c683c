import { SpeakerChannelClient } from '../../adapters/speaker-channel/channel-client.js';
import { makeTheme, type Theme } from '../presenter/theme.js';
import { LineScreen, type LineScreenStreams } from './line-screen.js';
import { renderSpeakerFrame } from './speaker-frame.js';
import type { RestartClockMessage } from './speaker-publisher.js';
import { asSnapshot, type SpeakerSnapshot } from './speaker-snapshot.js';

/** How to open the speaker view. */
export interface SpeakerViewOptions {
  /** The presenter's speaker socket (see socket-path.ts). */
  socketPath: string;
  /** How to open the presenter, shown while none is there. */
  hint?: string;
  streams: LineScreenStreams;
  theme?: Theme;
  now?: () => number;
}

/** How often the clocks on screen move (a frame is drawn only where a line changed). */
const TICK_MS = 250;

/**
 * The speaker view: follow the presenter of a work directory through its speaker socket and draw each
 * snapshot at once; wait and reconnect whenever there is no presenter, keeping the last snapshot on
 * screen (the talk's clock runs on). Keys: `q` or Ctrl-C quit, `T` restarts the talk's clock (the
 * presenter keeps it). Resolves when the user quits, or on SIGTERM/SIGHUP.
 */
export function runSpeakerView(options: SpeakerViewOptions): Promise<void> {
  const theme = options.theme ?? makeTheme(1);
  const now = options.now ?? Date.now;
  let snapshot: SpeakerSnapshot | null = null;
  let live = false;
  let message: string | undefined;
  let messageTimer: ReturnType<typeof setTimeout> | undefined;
  let failure: unknown;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const render = (): void => {
    try {
      screen.draw(
        renderSpeakerFrame({
          snapshot,
          live,
          now: now(),
          width: screen.width,
          height: screen.height,
          theme,
          ...(options.hint ? { hint: options.hint } : {}),
          ...(message ? { message } : {}),
        }),
      );
    } catch (error) {
      // A bug here ends the view with the terminal given back sane, and the error reported.
      failure = error;
      finish();
    }
  };
  const say = (text: string): void => {
    message = text;
    if (messageTimer) clearTimeout(messageTimer);
    messageTimer = setTimeout(() => {
      message = undefined;
      render();
    }, 3000);
    render();
  };
  const onKey = (key: string): void => {
    if (key === 'q' || key === '\x03') finish();
    else if (key === 'T') {
      const restart: RestartClockMessage = { type: 'restart-clock' };
      say(client.send(restart) ? 'the talk clock restarts now' : 'no presenter: the clock cannot restart');
    }
  };
  const screen = new LineScreen(options.streams, { onKey, onResize: render });
  const client = new SpeakerChannelClient(options.socketPath, {
    onMessage(value) {
      const next = asSnapshot(value);
      if (!next) return;
      snapshot = next;
      render();
    },
    onConnection(connected) {
      live = connected;
      render();
    },
  });
  const tick = setInterval(render, TICK_MS);
  const signals = ['SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, finish);
  render();
  client.start();
  return done.then(() => {
    for (const s of signals) process.off(s, finish);
    clearInterval(tick);
    if (messageTimer) clearTimeout(messageTimer);
    client.close();
    screen.destroy();
    if (failure !== undefined) throw failure;
  });
}
