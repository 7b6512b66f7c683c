import { statSync } from 'node:fs';
import { scanLearnerCommands } from '../../adapters/learner/learner-commands.js';
import { readLearnerProgress, writeLearnerProgress } from '../../adapters/learner/learner-store.js';
import { readLogFrom } from '../../adapters/tmux/session-log.js';
import { judgeAttempt, visibleHints, watchStep, type StepWatch } from '../../engine/learner/attempts.js';
import { learnerCheckOf, type LearnerCheck } from '../../engine/learner/checks.js';
import { addTime, recordStep, type LearnerProgress } from '../../engine/learner/progress.js';
import { engineIdle } from '../../engine/machine.js';
import type { Probe } from '../../lesson/model.js';
import type { PresenterMode, PresenterModeContext } from '../presenter/open-presenter.js';
import { learnerAction } from './learner-keys.js';
import { renderLearnerPanel } from './learner-panel.js';

/** How often the checks are polled while the learner works. */
const LEARNER_POLL_MS = 250;

/**
 * Learner mode on top of the presenter (`demystify learn`): the terminal pane has the focus and shows the
 * current step's session; the step's command is shown in a panel, not typed; the step's checks are polled
 * and the commands the learner runs are judged, so a step turns done with no key pressed; hints, the
 * solution, skipping (the solution run by the engine) and a replay are keys. Progress goes to learner.json.
 */
export async function learnerMode(ctx: PresenterModeContext): Promise<PresenterMode> {
  const { engine, runtime, lesson } = ctx;
  const plan = engine.getState().plan;
  const workdir = runtime.files.layout.root;
  const ports = runtime.ports('instant');
  const prober = ports.prober;
  let progress: LearnerProgress = await readLearnerProgress(workdir, lesson.id);
  let watch: StepWatch | undefined;
  let check: LearnerCheck | undefined;
  let logOffset = 0;
  let startOffset = 0;
  let message: string | null = null;
  let skipping: number | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let polling = false;
  let lastTick = Date.now();
  let lastSave = 0;
  const controller = new AbortController();
  const hintsOf = (step: number): { text: string; when?: Probe }[] => {
    const planned = plan.steps[step];
    const written =
      lesson.chapters.flatMap((c) => c.steps).find((s) => s.name === planned?.name)?.hints ?? [];
    return written.map((h, i) => ({
      text: h.text,
      ...(planned?.hints?.[i]?.when ? { when: planned.hints[i].when } : {}),
    }));
  };
  const redraw = (): void => ctx.presenter()?.updateUi((ui) => ui);
  const save = (): Promise<void> => writeLearnerProgress(workdir, progress).catch(() => undefined);
  const probe = async (p: Probe): Promise<boolean> =>
    (
      await prober
        .probe(p, {
          session: plan.steps[watch?.step ?? 0]?.session ?? '',
          logOffset: startOffset,
          signal: controller.signal,
        })
        .catch(() => ({ ok: false }))
    ).ok;
  const mark = (step: number, how: 'done' | 'skipped'): void => {
    const name = plan.steps[step]?.name ?? '';
    engine.dispatch({
      type: 'mark-step',
      step,
      outcome:
        how === 'done'
          ? { kind: 'ok', durationMs: 0 }
          : { kind: 'skipped', reason: 'the solution was run for the learner' },
    });
    // A component the learner started is recorded as the engine's own (its pid for status and cleanup).
    const planned = plan.steps[step];
    if (how === 'done' && planned?.component)
      void ports.componentReady?.(planned, Date.now()).catch(() => undefined);
    progress = recordStep(progress, plan, step, how, Date.now());
    message = how === 'done' ? `✓ ${name} done` : `– ${name} skipped (the solution ran)`;
    void save();
    redraw();
  };
  const busy = (): boolean => !engineIdle(engine.getState());

  /** A new current step: watch it from now on, and show its session, focused. */
  const follow = async (step: number): Promise<void> => {
    watch = watchStep(step);
    const planned = plan.steps[step];
    check = planned ? learnerCheckOf(planned) : undefined;
    if (!planned) return;
    // Taken at once, before anything is awaited: a learner quick to type must not see the first command
    // fall before the offset (then only its output would be read, and no attempt counted).
    const file = runtime.terminal.logFile(planned.session);
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // No log yet: the session is started below.
    }
    logOffset = startOffset = size;
    await runtime.terminal.ensureSession(planned.session).catch(() => undefined);
    ctx.presenter()?.updateUi((ui) => ({ ...ui, session: planned.session, focus: 'terminal' }));
  };

  let lastShown = '';
  const poll = async (): Promise<void> => {
    const now = Date.now();
    const state = engine.getState();
    const chapter = plan.chapters[state.chapter];
    if (chapter) progress = addTime(progress, chapter.id, now - lastTick);
    lastTick = now;
    if (now - lastSave > 5000) {
      lastSave = now;
      void save();
    }
    if (busy()) return;
    const cursor = state.cursor;
    if (!watch || watch.step !== cursor) await follow(cursor);
    const planned = plan.steps[cursor];
    if (!planned || !watch || !check) return;
    const w = watch;
    // Everything since the step began, however long: the marks are found by their place in it.
    const text = await readLogFrom(runtime.terminal.logFile(planned.session), logOffset, Infinity);
    const { commands, end } = scanLearnerCommands(text);
    logOffset += Buffer.byteLength(text.slice(0, end));
    for (const command of commands) {
      const verdict = await judgeAttempt(check, command);
      if (verdict === 'done') return mark(cursor, 'done');
      if (verdict === 'failed') w.attempts++;
    }
    if (check.kind === 'probes') {
      let all = true;
      for (const p of check.probes) if (!(all = await probe(p))) break;
      if (all && watch === w && !busy()) return mark(cursor, 'done');
    }
    const hints = hintsOf(cursor);
    if (w.asked || w.attempts > 0) {
      const failing: number[] = [];
      for (const [i, h] of hints.entries()) if (h.when && !(await probe(h.when))) failing.push(i);
      w.failing = failing;
    }
    if (planned.failcheck?.length) {
      let broken = false;
      for (const p of planned.failcheck) if ((broken = await probe(p))) break;
      w.broken = broken;
    }
    // Four polls a second: a full frame only when what the panel shows has changed.
    const shown = JSON.stringify([w, message]);
    if (shown !== lastShown) {
      lastShown = shown;
      redraw();
    }
  };

  const unsubscribe = engine.subscribe((state, event) => {
    if (event.type === 'step-finished' && event.step === skipping) {
      skipping = undefined;
      if (event.outcome.kind === 'ok') queueMicrotask(() => mark(event.step, 'skipped'));
    }
    if (event.type === 'reset-finished') watch = undefined;
    void state;
  });

  const onKey = (name: string): boolean => {
    const action = learnerAction(name);
    if (!action) return false;
    const state = engine.getState();
    const planned = plan.steps[state.cursor];
    message = null;
    switch (action) {
      case 'hint':
        if (watch) watch.asked = true;
        if (!hintsOf(state.cursor).length) message = 'this step has no hint: F4 shows the solution';
        void poll();
        break;
      case 'copy':
        if (planned) {
          // OSC 52: the terminal (or tmux with set-clipboard) puts the command on the clipboard.
          ctx.streams.output.write(`\x1b]52;c;${Buffer.from(planned.command).toString('base64')}\x07`);
          message = 'the command is on the clipboard (OSC 52)';
        }
        break;
      case 'solution':
        if (watch) watch.solution = true;
        break;
      case 'skip':
        if (busy() || !planned) message = 'a step is running: wait';
        else {
          skipping = state.cursor;
          engine.dispatch({ type: 'run-step' });
        }
        break;
      case 'done':
        if (check?.kind === 'manual' && planned) mark(state.cursor, 'done');
        else message = 'this step is checked: do it in the terminal, or F5 runs the solution';
        break;
      case 'replay':
        if (busy()) message = 'a step is running: wait';
        else engine.dispatch({ type: 'replay-chapter', chapter: state.chapter, run: false });
        break;
    }
    redraw();
    return true;
  };

  return {
    hooks: {
      onKey,
      initialUi: (ui) => {
        const step = plan.steps[engine.getState().cursor];
        return { ...ui, focus: 'terminal', ...(step ? { session: step.session } : {}) };
      },
      regions: (frame, _ui, theme) => {
        // Over the narration pane as the frame laid it out (notes included), else over the terminal.
        const under =
          frame.regions.find((r) => r.id === 'narration') ?? frame.regions.find((r) => r.id === 'terminal');
        if (!under) return [];
        const cursor = engine.getState().cursor;
        const current = watch?.step === cursor ? watch : undefined;
        const hints = hintsOf(cursor);
        const lines = renderLearnerPanel({
          step: plan.steps[cursor],
          total: plan.steps.length,
          check: plan.steps[cursor] ? learnerCheckOf(plan.steps[cursor]) : undefined,
          watch: current,
          hints: current ? visibleHints(hints, current).map((i) => hints[i]?.text ?? '') : [],
          message,
          width: under.width,
          theme,
        }).slice(-Math.max(3, Math.floor(under.height * 0.6)));
        return [
          {
            id: 'learner',
            x: under.x,
            y: under.y + under.height - lines.length,
            width: under.width,
            height: lines.length,
            lines,
          },
        ];
      },
    },
    start() {
      lastTick = Date.now();
      // The current step is watched from now, not from the first poll.
      polling = true;
      void follow(engine.getState().cursor).finally(() => (polling = false));
      timer = setInterval(() => {
        if (polling) return;
        polling = true;
        void poll().finally(() => (polling = false));
      }, LEARNER_POLL_MS);
    },
    async stop() {
      if (timer) clearInterval(timer);
      controller.abort();
      unsubscribe();
      const chapter = plan.chapters[engine.getState().chapter];
      if (chapter) progress = addTime(progress, chapter.id, Date.now() - lastTick);
      await save();
    },
  };
}
