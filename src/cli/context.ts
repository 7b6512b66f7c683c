import type { Command } from 'commander';

/** What every command's action gets: where to write, so that tests can capture it. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

/** A command module: declares its options on the program; its action loads its implementation lazily. */
export type CommandDefinition = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

export const defaultIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
};
