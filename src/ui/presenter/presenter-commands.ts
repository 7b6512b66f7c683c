import type { Words } from './i18n.js';
import type { PresenterParts, PresenterExit } from './presenter-parts.js';
import { restartComponent } from './restart.js';
import { STAGE_PACE } from './typing-pace.js';
import type { UiCommand } from './ui-state.js';

/** What a command may touch in the presenter that performs it. */
export interface CommandHost {
  parts: PresenterParts;
  /** End the presenter. */
  quit(exit: PresenterExit): void;
  /** Put a message on the status line (null: none), and draw. */
  tell(text: string | null): void;
  /** The settings changed (the typing pace): keep them. */
  saveSettings(): void;
  /** A component restart is under way (one at a time). */
  restarting: boolean;
  /** The presenter's words, in the lesson's language. */
  words: Words;
}

/** Perform a command of the UI reducer: the things that touch the world. */
export function performCommand(command: UiCommand, host: CommandHost): void {
  const { parts } = host;
  switch (command.kind) {
    case 'quit':
      host.quit('quit');
      return;
    case 'quit-cleanup':
      host.quit('cleanup');
      return;
    case 'terminal-scroll':
      void parts.terminal.scroll(command.direction);
      return;
    case 'redraw':
      parts.screen.redraw();
      return;
    case 'restart-step':
      void restart(command.step, command.session, host);
      return;
    case 'finish-typing':
      if (parts.pace) parts.pace.hurry = true;
      return;
    case 'typing-speed': {
      if (!parts.pace) return host.tell(host.words.typingFixed);
      const speed = parts.pace.step(command.direction);
      host.tell(host.words.typingPace(speed, speed === STAGE_PACE));
      host.saveSettings();
      return;
    }
    case 'copy':
      parts.screen.copy(command.text);
      return;
  }
}

/** Stop a component cleanly in its session, then run its step again (see restart.ts). */
async function restart(step: number, session: string, host: CommandHost): Promise<void> {
  if (host.restarting) return;
  host.restarting = true;
  const { engine, tmux } = host.parts;
  const name = engine.getState().plan.steps[step]?.component ?? session;
  host.tell(host.words.stoppingComponent(name));
  const shellIdle = host.parts.shellIdle ?? (() => Promise.resolve(undefined));
  const stopped = await restartComponent(session, { tmux, shellIdle }).catch(() => false);
  host.tell(stopped ? null : host.words.killedComponent(name));
  host.restarting = false;
  engine.dispatch({ type: 'run-step', step });
}
