import type { Probe } from '../lesson/model.js';
import type { SavedProgress } from './machine.js';
import type { CommandResult, ComponentExit } from './outcome.js';
import type { PlannedStep } from './plan-model.js';

/**
 * The engine's ports: every side effect the effect loop needs, as small interfaces. src/adapters
 * implements them for real (tmux, probes, processes, state.json); unit tests pass fakes.
 */

/** How commands are typed: all at once (headless runs, learners) or key by key like a person on stage. */
export type Typing = 'instant' | 'human';

/**
 * The pace of human typing, read before every key so that it can change while a command is typed (the
 * presenter's faster/slower keys), and a way to finish the current command at once (its rest is pasted).
 */
export interface TypingPace {
  /** Milliseconds between two keys now (a random jitter of ±50 % is added). */
  keyDelayMs(): number;
  /** True: type the rest of the step at once. The client sets it, and clears it when a step starts. */
  hurry: boolean;
}

/** A command typed into a session's shell. */
export interface TypedCommand {
  /**
   * Resolves when the last line has been typed and the shell started running it, with the log offset
   * where the command's own output begins (a `log:` probe looks from there on, not at the typed text).
   */
  started: Promise<{ logOffset: number }>;
  /**
   * Resolves when the shell is back at its prompt. A command of several lines is typed one shell
   * command at a time (a here-document or a continued line is one); typing stops at the first one that
   * fails, whose status is the result (as `set -e` would).
   */
  ended: Promise<CommandResult>;
}

/** The terminal: a tmux session per component plus the lesson's shell session. */
export interface Terminal {
  /** Type a command exactly as written into a session (created when missing). Rejects when it is busy. */
  type(
    session: string,
    command: string,
    options: {
      typing: Typing;
      signal: AbortSignal;
      /** Interrupted (Ctrl-C on the run): no further line of the command is typed. */
      interrupt?: AbortSignal;
      /** How fast to type right now (the presenter's +/- and '.'), read before every key. */
      pace?: TypingPace;
    },
  ): Promise<TypedCommand>;
  /** Interrupt what runs in a session (Ctrl-C), e.g. a shell command that timed out. */
  interrupt(session: string): Promise<void>;
  /** The session's last log lines, as a person reads them. */
  logTail(session: string, lines: number): Promise<string[]>;
}

/** Where and since when a probe looks. */
export interface ProbeContext {
  /** The session of the step (for `log:` probes). */
  session: string;
  /** Log offset where the step's command output began. */
  logOffset: number;
  signal: AbortSignal;
}

/** One probe attempt's answer. */
export interface ProbeResult {
  ok: boolean;
  /** What was seen: `HTTP 503`, `ECONNREFUSED`, `exit 1`. */
  detail: string;
}

/** Runs one attempt of a readiness probe. */
export interface Prober {
  probe(probe: Probe, context: ProbeContext): Promise<ProbeResult>;
}

/** Everything the effect loop performs, injectable. */
export interface EnginePorts {
  terminal: Terminal;
  prober: Prober;
  /** Stop every component, restore the lesson's `reset` paths, start the shell afresh. */
  reset(): Promise<void>;
  /** Keep progress (state.json, atomically). */
  persist(progress: SavedProgress): Promise<void>;
  /** A component's step succeeded (its probes passed) at `readyAt`: record it for `status`. */
  componentReady?(step: PlannedStep, readyAt: number): Promise<void>;
  /** Components that exited since they were ready, asked when a step fails (the likely cause). */
  componentExits?(): Promise<ComponentExit[]>;
  /** Typing speed outside fast-forwards. */
  typing: Typing;
  /** The pace of human typing, when a client sets it (default: the terminal's own). */
  pace?: TypingPace;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
