import { openLessonEngine, type LessonEngine } from '../../adapters/runtime/lesson-engine.js';
import { join } from 'node:path';
import { logSize, readLogFrom } from '../../adapters/tmux/session-log.js';
import { Tmux } from '../../adapters/tmux/tmux.js';
import { shellIdle as idleAtEnd } from '../../adapters/tmux/shell-marks.js';
import type { Typing } from '../../engine/ports.js';
import type { Lesson } from '../../lesson/model.js';
import { loadKeymap } from './keys-config.js';
import { LiveTerminal } from '../terminal/live-terminal.js';
import { realTerminalDeps } from '../terminal/terminal-deps.js';
import { Presenter, type PresenterExit, type PresenterHooks } from './presenter.js';
import { PresenterScreen, type ScreenStreams } from './screen.js';
import { PANES_FORMAT, SessionMonitor } from './session-monitor.js';
import { loadSettings, saveSettings, type PresenterSettings } from './settings.js';
import { PresenterPace } from './typing-pace.js';
import { sessionsOf } from './ui-state.js';
import { recordSessions } from './presenter-recording.js';
import { SpeakerPublisher } from '../speaker/speaker-publisher.js';
import { cleanUpAfterPresenter } from './presenter-cleanup.js';

/** How to open the presenter on a lesson. */
export interface PresentLessonOptions {
  workdir: string;
  options: Record<string, string>;
  /** Versions instead of the lesson's (`--pin NAME=VERSION`). */
  pins?: Record<string, string>;
  typing: Typing;
  binDir?: string;
  /** Record every session as asciicasts into this folder (`--record`). */
  record?: string;
  /** A keys.yaml given on the command line (must exist); default: the user's, if any. */
  keysFile?: string;
  streams: ScreenStreams;
  /** A mode on top of the presenter (learner mode): made once the engine is open, stopped at the end. */
  mode?: (context: PresenterModeContext) => Promise<PresenterMode>;
}

/** What a mode is given to set itself up. */
export interface PresenterModeContext {
  lesson: Lesson;
  engine: LessonEngine['engine'];
  runtime: LessonEngine['runtime'];
  streams: ScreenStreams;
  /** The presenter, once it exists (for `updateUi`). */
  presenter: () => Presenter | undefined;
}

/** A mode's hooks into the presenter, and how it ends. */
export interface PresenterMode {
  hooks: PresenterHooks;
  start?(): void;
  stop(): Promise<void>;
}

/** How it ended, and what the CLI tells the user once the screen is gone. */
export interface PresentResult {
  exit: PresenterExit;
  message: string;
}

/**
 * Open the lesson's engine on its work directory (continuing where state.json says, when its machine
 * still runs), then the full-screen presenter; on quit, leave the components running and save progress,
 * or, after the user confirmed, end them with the machine's cleanup.
 */
export async function presentLesson(lesson: Lesson, options: PresentLessonOptions): Promise<PresentResult> {
  const keymap = options.keysFile
    ? await loadKeymap(options.keysFile, undefined, { required: true })
    : await loadKeymap();
  // Human typing goes at a pace the presenter's keys change while it types (typing-pace.ts).
  const pace = options.typing === 'human' ? new PresenterPace() : undefined;
  const { engine, runtime, resumed } = await openLessonEngine(lesson, {
    workdir: options.workdir,
    options: options.options,
    ...(options.pins ? { pins: options.pins } : {}),
    typing: options.typing,
    ...(pace ? { pace } : {}),
    ...(options.binDir ? { binDir: options.binDir } : {}),
  });
  const recording = options.record
    ? await recordSessions(lesson, engine, runtime, options.record)
    : undefined;
  const settingsFile = join(runtime.files.dir, 'presenter.json');
  const kept = await loadSettings(settingsFile);
  const envTheme = process.env.DEMYSTIFY_THEME;
  const initial = {
    ...kept,
    ...(!kept.theme && (envTheme === 'light' || envTheme === 'contrast' || envTheme === 'dark')
      ? { theme: envTheme }
      : {}),
  } as PresenterSettings;
  if (pace && kept.keysPerSecond) pace.keysPerSecond = kept.keysPerSecond;
  let saving: Promise<void> = Promise.resolve();
  const settings = {
    initial,
    save: (next: PresenterSettings): void => {
      saving = saving.then(() => saveSettings(settingsFile, next));
    },
  };
  const state = engine.getState();
  // The presenter's own tmux commands (the monitor's list-panes, window fits, session switches) go to
  // the lesson's server without the run's process marker: a reset ends every process that carries it,
  // and a query of the presenter caught alive at that moment made the reset fail ("could not end
  // processes N"). The engine's commands keep it (runtime.tmux).
  const client = new Tmux({ socket: runtime.tmux.socket });
  const tmux = (args: string[]): Promise<string> => client.run(args);
  // Every session is there from the start (an idle shell, the engine's own kind), so the terminal pane
  // is live before the first step, and the windows get the pane's size before anything is typed in them:
  // the audience then sees a component's command typed in its own terminal (see terminal-sync.ts).
  await runtime.terminal.ensureSession(state.plan.shellSession).catch(() => undefined);
  await Promise.all(
    sessionsOf(lesson, state).map((s) => runtime.terminal.ensureSession(s).catch(() => undefined)),
  );

  // The screen, the terminal and the monitor call the presenter, which needs them first. A bug in one
  // of those calls ends the presenter through `crashed`, so the terminal is always given back sane.
  const ref: { presenter?: Presenter; speaker?: SpeakerPublisher } = {};
  let crash: (error: unknown) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => (crash = reject));
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (error) {
        crash(error);
      }
    };
  const screen = new PresenterScreen(options.streams, {
    onKey: guard((name: string, sequence: string) => ref.presenter?.onKey(name, sequence)),
    onResize: guard(() => ref.presenter?.onResize()),
  });
  const terminal = new LiveTerminal(
    {
      socket: runtime.tmux.socket,
      cols: 80,
      rows: 24,
      onFrame: guard(() => ref.presenter?.onTerminalFrame()),
    },
    realTerminalDeps(tmux),
  );
  const monitor = new SessionMonitor(
    sessionsOf(lesson, state),
    {
      listPanes: () => tmux(['list-panes', '-a', '-F', PANES_FORMAT]),
      now: Date.now,
    },
    guard(() => {
      ref.presenter?.onSessions();
      ref.speaker?.publish();
    }),
  );
  const mode = options.mode
    ? await options.mode({
        lesson,
        engine,
        runtime,
        streams: options.streams,
        presenter: () => ref.presenter,
      })
    : undefined;
  const shellIdle = async (session: string): Promise<boolean | undefined> => {
    const file = runtime.terminal.logFile(session);
    return idleAtEnd(await readLogFrom(file, Math.max(0, (await logSize(file)) - 16_384)));
  };
  const presenter = new Presenter({
    lesson,
    engine,
    keymap,
    screen,
    terminal,
    monitor,
    tmux,
    ...(mode ? { hooks: mode.hooks } : {}),
    shellIdle,
    settings,
    ...(pace ? { pace } : {}),
    // One clock for the talk: the speaker view's, kept in state.json across openings.
    talkStartedAt: () => ref.speaker?.talk.startedAt,
  });
  ref.presenter = presenter;
  const signals = ['SIGTERM', 'SIGHUP'] as const;
  let onSignal: (() => void) | undefined;
  let exit: PresenterExit = 'quit';
  let purge = false;
  let recorded = '';
  // `demystify cleanup` typed while this presenter holds the work directory (in the lesson's own shell,
  // most often) asks it through the speaker channel: the presenter cleans up as "quit and clean up" does.
  let onCleanup: (purge: boolean) => void = () => undefined;
  const byRequest = new Promise<PresenterExit>((resolve) => {
    onCleanup = (asked) => {
      purge = asked;
      resolve('cleanup');
    };
  });
  try {
    // The speaker view's feed (demystify speaker): the talk's clock and a snapshot on every change.
    ref.speaker = await SpeakerPublisher.start({ lesson, engine, runtime, resumed, monitor, onCleanup });
    // Once a second at rest: every engine event (a step started or ended, a reset) asks at once too.
    monitor.start(1000);
    const ended = presenter.run();
    mode?.start?.();
    // A closed terminal or a kill: quit as `q` does (progress saved, components left running).
    const bySignal = new Promise<PresenterExit>((resolve) => {
      onSignal = () => resolve('quit');
      for (const s of signals) process.on(s, onSignal);
    });
    exit = await Promise.race([ended, bySignal, crashed, byRequest]);
  } finally {
    if (onSignal) for (const s of signals) process.off(s, onSignal);
    presenter.saveSettings();
    presenter.stop();
    await ref.speaker?.stop();
    await mode?.stop().catch(() => undefined);
    await presenter.release();
    await saving;
    monitor.stop();
    terminal.close();
    screen.destroy();
    await engine.flush();
    recorded = (await recording?.stop().catch(() => undefined)) ?? '';
  }
  if (exit === 'cleanup') {
    const done = await cleanUpAfterPresenter(runtime, purge);
    return { exit, message: `${done}${recorded}` };
  }
  return {
    exit,
    message: `the components keep running; run demystify again to continue where you left off (demystify cleanup stops them)\n${recorded}`,
  };
}
