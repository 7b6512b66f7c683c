import { spawn as spawnPty } from 'node-pty';
import { createEmulator, type EmulatorLike } from './emulator.js';

export type { EmulatorLike } from './emulator.js';

/** The part of node-pty's IPty used here. */
export interface PtyLike {
  readonly pid: number;
  onData(listener: (data: string) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  pause(): void;
  resume(): void;
}

/** Side effects of the live terminal, injectable (unit tests pass fakes; the presenter, the real ones). */
export interface LiveTerminalDeps {
  /** Start a program on a new pseudo-terminal (node-pty's spawn). */
  spawnPty(
    file: string,
    args: string[],
    options: { cols: number; rows: number; env: Record<string, string> },
  ): PtyLike;
  /** A terminal emulator of that size (@xterm/headless). */
  createEmulator(cols: number, rows: number): EmulatorLike;
  /** Run a tmux command on the lesson's private server; rejects when tmux fails. */
  tmux(args: string[]): Promise<string>;
}

/** The real terminal emulator and pty, with tmux commands sent to the lesson's server by `tmux`. */
export function realTerminalDeps(tmux: (args: string[]) => Promise<string>): LiveTerminalDeps {
  return {
    spawnPty: (file, args, options) => spawnPty(file, args, { name: 'xterm-256color', ...options }),
    createEmulator,
    tmux,
  };
}
