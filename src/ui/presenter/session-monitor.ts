import type { SessionLiveness } from './component-views.js';

/** Programs that are a session's own shell: when one of them is in the foreground, nothing else runs. */
const SHELLS = new Set(['bash', '-bash', 'sh', 'dash', 'zsh', 'fish', 'login']);

/** One pane as `tmux list-panes -a -F PANES_FORMAT` reports it. */
export interface PaneInfo {
  session: string;
  /** `#{pane_current_command}`: the name of the pane's foreground process. */
  command: string;
  window?: { width: number; height: number; statusOff: boolean };
}

/** What the monitor asks tmux about each pane. */
export const PANES_FORMAT =
  '#{session_name}\t#{pane_current_command}\t#{window_width}\t#{window_height}\t#{status}';

/** Parse `list-panes -a -F PANES_FORMAT` (the first pane of a session counts). */
export function parsePanes(out: string): PaneInfo[] {
  const panes: PaneInfo[] = [];
  const seen = new Set<string>();
  for (const line of out.split('\n')) {
    const [session, command, width, height, status] = line.split('\t');
    if (!session || seen.has(session)) continue;
    seen.add(session);
    const w = Number(width);
    const h = Number(height);
    const window = w > 0 && h > 0 ? { window: { width: w, height: h, statusOff: status === 'off' } } : {};
    panes.push({ session, command: command ?? '', ...window });
  }
  return panes;
}

/**
 * Fold one observation into the liveness of each known session. A session is busy when something
 * other than its shell is in the foreground; `idleSince` is when it was first seen not busy (kept
 * while it stays so), which the status line shows as "down since".
 */
export function observe(
  previous: ReadonlyMap<string, SessionLiveness>,
  sessions: string[],
  panes: PaneInfo[],
  now: number,
): Map<string, SessionLiveness> {
  const byName = new Map(panes.map((p) => [p.session, p]));
  const next = new Map<string, SessionLiveness>();
  for (const session of sessions) {
    const pane = byName.get(session);
    const busy = pane !== undefined && !SHELLS.has(pane.command);
    const before = previous.get(session);
    const idleSince = busy
      ? undefined
      : before && !before.busy && before.idleSince !== undefined
        ? before.idleSince
        : now;
    next.set(session, {
      exists: pane !== undefined,
      busy,
      ...(idleSince === undefined ? {} : { idleSince }),
      ...(pane?.window ? { window: pane.window } : {}),
    });
  }
  return next;
}

/** The tmux query, injectable. */
export interface SessionMonitorDeps {
  /** `tmux list-panes -a -F ...` on the lesson's server: its output, or '' when no server runs. */
  listPanes(): Promise<string>;
  now(): number;
}

/**
 * Polls the lesson's tmux server (one `list-panes` per tick, about a millisecond) and tells the
 * presenter when a session appears, ends, or its component stops. Reading tmux is what lets the status
 * line say "down since" for a component that crashed after it was ready, which the engine cannot know.
 */
export class SessionMonitor {
  private state = new Map<string, SessionLiveness>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;

  constructor(
    private readonly sessions: string[],
    private readonly deps: SessionMonitorDeps,
    private readonly onChange: (state: ReadonlyMap<string, SessionLiveness>) => void,
  ) {}

  /** What was seen last. */
  get current(): ReadonlyMap<string, SessionLiveness> {
    return this.state;
  }

  /** Sessions that exist now. */
  existing(): Set<string> {
    return new Set([...this.state].filter(([, s]) => s.exists).map(([name]) => name));
  }

  /** Look once now. */
  async poll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const out = await this.deps.listPanes().catch(() => '');
      const next = observe(this.state, this.sessions, parsePanes(out), this.deps.now());
      const changed = [...next].some(([name, s]) => {
        const before = this.state.get(name);
        const size = (l?: SessionLiveness): string => JSON.stringify(l?.window ?? null);
        return !before || before.exists !== s.exists || before.busy !== s.busy || size(before) !== size(s);
      });
      this.state = next;
      if (changed) this.onChange(next);
    } finally {
      this.running = false;
    }
  }

  /** Poll every `intervalMs` until {@link stop}. */
  start(intervalMs = 300): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
