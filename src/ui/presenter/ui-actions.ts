import { engineIdle, firstStepOf, lastStepOf, type EngineEvent } from '../../engine/machine.js';
import { currentFailure } from './failure.js';
import { EN, type Words } from './i18n.js';
import type { Action } from './keymap.js';
import { SPLIT_RANGE, splitFor } from './layout.js';
import type { ThemeName } from './settings.js';
import {
  chapterDone,
  failureKey,
  say,
  type UiContext,
  type UiState,
  type UiTransition,
  type Zoom,
} from './ui-state.js';

/**
 * What `run` means now: run the step under the cursor, unless it already ran (then ask first: running
 * a component's step again while the component runs would only fail, "session still running a
 * command"), or the chapter shown is done (then move on to the next one, the speaker's cue).
 */
function runStep(ui: UiState, ctx: UiContext): UiTransition {
  const { engine } = ctx;
  const now = ctx.now ?? Date.now();
  const none = (next: UiState): UiTransition => ({ ui: next, events: [], commands: [] });
  // While a step runs, run means "go on": the rest of its command is typed at once.
  if (!engineIdle(engine)) return finishTyping(ui, ctx);
  const plan = engine.plan;
  if (chapterDone(engine)) {
    if (engine.chapter + 1 >= plan.chapters.length)
      return none({ ...ui, message: say(w(ctx).lessonOver, now) });
    return {
      ui: { ...ui, scroll: null },
      events: [{ type: 'jump-to-chapter', chapter: engine.chapter + 1 }],
      commands: [],
    };
  }
  const step = plan.steps[engine.cursor];
  if (!step) return none({ ...ui, message: say(w(ctx).lessonOver, now) });
  const status = engine.steps[step.index]?.status ?? 'pending';
  const running = step.component !== undefined && ctx.live?.get(step.session)?.busy === true;
  if (status === 'ok' || status === 'skipped' || running) {
    return none({ ...ui, overlay: { kind: 'confirm-rerun', step: step.index, restart: running } });
  }
  return { ui: { ...ui, scroll: null }, events: [{ type: 'run-step' }], commands: [] };
}

/** Type the rest of the running step at once (nothing runs: say so). */
function finishTyping(ui: UiState, ctx: UiContext): UiTransition {
  const now = ctx.now ?? Date.now();
  if (ctx.engine.activity.kind !== 'step')
    return {
      ui: { ...ui, message: say(w(ctx).stepRunning, now, 'busy') },
      events: [],
      commands: [],
    };
  return {
    ui: { ...ui, message: say(w(ctx).typingRest, now, 'busy') },
    events: [],
    commands: [{ kind: 'finish-typing' }],
  };
}

/**
 * Run the rest of the chapter shown, one step after the other, without a reset: from the first step at
 * or after the cursor that has not run yet, to the chapter's last.
 */
function runChapter(ui: UiState, ctx: UiContext): UiTransition {
  const { engine } = ctx;
  const now = ctx.now ?? Date.now();
  const none = (message: string): UiTransition => ({
    ui: { ...ui, message: say(message, now) },
    events: [],
    commands: [],
  });
  if (!engineIdle(engine)) return none(w(ctx).stepRunning);
  const last = lastStepOf(engine.plan, engine.chapter);
  let from = Math.max(engine.cursor, firstStepOf(engine.plan, engine.chapter));
  while (from <= last && engine.steps[from]?.status !== 'pending') from++;
  if (from > last) return none(w(ctx).nothingLeft);
  return { ui: { ...ui, scroll: null }, events: [{ type: 'run-step', step: from, to: last }], commands: [] };
}

/** The command of the step in view: the cursor's, or the last one of a finished chapter. */
function copyCommand(ui: UiState, ctx: UiContext): UiTransition {
  const { engine } = ctx;
  const now = ctx.now ?? Date.now();
  const index = chapterDone(engine) ? lastStepOf(engine.plan, engine.chapter) : engine.cursor;
  const step = engine.plan.steps[index];
  if (!step) return { ui: { ...ui, message: say(w(ctx).noStepToCopy, now) }, events: [], commands: [] };
  return {
    ui: { ...ui, message: say(w(ctx).copied(step.name), now) },
    events: [],
    commands: [{ kind: 'copy', text: step.command }],
  };
}

/** The split one notch (5 %) wider or narrower, from where it is now. */
function moveSplit(ui: UiState, ctx: UiContext, delta: number): UiState {
  const current = splitFor(ctx.width ?? 80, ui.split);
  const split = Math.round(Math.min(SPLIT_RANGE.max, Math.max(SPLIT_RANGE.min, current + delta)) * 100) / 100;
  return { ...ui, split };
}

const THEMES: ThemeName[] = ['dark', 'light', 'contrast'];

/** The presenter's words for the context's language. */
const w = (ctx: UiContext): Words => ctx.words ?? EN;

/** Apply one action. Pure: the shell dispatches the events and performs the commands. */
export function onAction(ui0: UiState, action: Action, ctx: UiContext): UiTransition {
  const ui: UiState = { ...ui0, message: null };
  const { engine } = ctx;
  const now = ctx.now ?? Date.now();
  const plan = engine.plan;
  const none = (next: UiState = ui): UiTransition => ({ ui: next, events: [], commands: [] });
  const send = (events: EngineEvent[], next: UiState = ui): UiTransition => ({
    ui: next,
    events,
    commands: [],
  });
  const failure = currentFailure(engine);
  const failureShown = failure !== undefined && failureKey(failure) !== ui.dismissedFailure;
  const scrollTo = (n: number): UiTransition =>
    none({ ...ui, scroll: Math.max(0, Math.min(ctx.narration.max, n)) });
  switch (action) {
    case 'run-step':
      // The machine could not be reset: trying again means the replay, not a step.
      if (failureShown && failure.replay && engineIdle(engine))
        return send([{ type: 'replay-chapter', chapter: engine.chapter }], { ...ui, scroll: null });
      return runStep(ui, ctx);
    case 'next-step':
      return send([{ type: 'next' }], { ...ui, scroll: 'step' });
    case 'previous-step':
      return send([{ type: 'previous' }], { ...ui, scroll: 'step' });
    case 'next-chapter':
    case 'previous-chapter': {
      const chapter = engine.chapter + (action === 'next-chapter' ? 1 : -1);
      if (chapter < 0 || chapter >= plan.chapters.length) return none();
      return send([{ type: 'jump-to-chapter', chapter }], { ...ui, scroll: null });
    }
    case 'jump-chapter':
      return none({ ...ui, overlay: { kind: 'jump', input: '', selected: engine.chapter } });
    case 'replay-chapter':
      if (!engineIdle(engine)) return none({ ...ui, message: say(w(ctx).stopFirst, now, 'busy') });
      return send([{ type: 'replay-chapter', chapter: engine.chapter }], { ...ui, scroll: null });
    case 'stop':
      return engine.run
        ? send([{ type: 'stop' }], { ...ui, message: say(w(ctx).stopping, now, 'run') })
        : none();
    case 'run-chapter':
      return runChapter(ui, ctx);
    case 'finish-typing':
      return finishTyping(ui, ctx);
    case 'typing-faster':
    case 'typing-slower':
      return {
        ui,
        events: [],
        commands: [{ kind: 'typing-speed', direction: action === 'typing-faster' ? 1 : -1 }],
      };
    case 'copy-command':
      return copyCommand(ui, ctx);
    case 'split-narrower':
    case 'split-wider':
      return none(moveSplit(ui, ctx, action === 'split-wider' ? 0.05 : -0.05));
    case 'next-theme': {
      const theme = THEMES[(THEMES.indexOf(ui.theme) + 1) % THEMES.length] ?? 'dark';
      return none({ ...ui, theme, message: say(w(ctx).theme(theme), now) });
    }
    case 'show-logs':
      // The failure panel stays: hidden over the zoomed terminal, back when the zoom ends (Esc).
      return none({ ...ui, session: failure?.session ?? ui.session, zoom: 'terminal' });
    case 'next-session':
    case 'previous-session': {
      const i = ctx.sessions.indexOf(ui.session);
      const n = ctx.sessions.length;
      const next = ctx.sessions[(i + (action === 'next-session' ? 1 : n - 1) + n) % n];
      return none(next ? { ...ui, session: next } : ui);
    }
    case 'focus-terminal':
      return none({ ...ui, focus: 'terminal', zoom: ui.zoom === 'narration' ? 'none' : ui.zoom });
    case 'focus-narration':
      return none({ ...ui, focus: 'narration' });
    case 'zoom': {
      const order: Zoom[] = ['none', 'terminal', 'narration'];
      const zoom = order[(order.indexOf(ui.zoom) + 1) % order.length] ?? 'none';
      return none({ ...ui, zoom, focus: zoom === 'narration' ? 'narration' : ui.focus });
    }
    case 'scroll-up':
      return scrollTo(ctx.narration.scroll - 1);
    case 'scroll-down':
      return scrollTo(ctx.narration.scroll + 1);
    case 'page-up':
      return scrollTo(ctx.narration.scroll - Math.max(1, ctx.narration.height - 2));
    case 'page-down':
      return scrollTo(ctx.narration.scroll + Math.max(1, ctx.narration.height - 2));
    case 'top':
      return scrollTo(0);
    case 'bottom':
      return none({ ...ui, scroll: 'step' });
    case 'terminal-scroll-up':
    case 'terminal-scroll-down':
      return {
        ui,
        events: [],
        commands: [{ kind: 'terminal-scroll', direction: action === 'terminal-scroll-up' ? 'up' : 'down' }],
      };
    case 'toggle-notes':
      return none({ ...ui, notes: !ui.notes });
    case 'toggle-follow':
      return none({
        ...ui,
        follow: !ui.follow,
        message: say(ui.follow ? w(ctx).termStays : w(ctx).termFollows, now),
      });
    case 'help':
      return none({ ...ui, overlay: ui.overlay?.kind === 'help' ? null : { kind: 'help' } });
    case 'dismiss':
      if (ui.overlay) return none({ ...ui, overlay: null });
      if (ui.zoom !== 'none') return none({ ...ui, zoom: 'none' });
      if (failureShown) return none({ ...ui, dismissedFailure: failureKey(failure) });
      return none();
    case 'redraw':
      return { ui, events: [], commands: [{ kind: 'redraw' }] };
    case 'quit':
      return { ui, events: [], commands: [{ kind: 'quit' }] };
    case 'quit-cleanup':
      return none({ ...ui, overlay: { kind: 'confirm-cleanup' } });
    default: {
      const m = /^session-(\d)$/.exec(action);
      const session = m ? ctx.sessions[Number(m[1])] : undefined;
      return none(session ? { ...ui, session } : ui);
    }
  }
}
