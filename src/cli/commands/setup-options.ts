import type { Command } from 'commander';
import { collect, workdirOption } from './shared-options.js';

/**
 * The options of every command that sets up a lesson in a work directory and runs it (run, rehearse,
 * learn, the presenter): where, with which options, versions and binaries, isolated or not. One place,
 * so that the commands cannot drift apart.
 */
export function withSetupOptions(command: Command): Command {
  return command
    .addOption(workdirOption())
    .option('--bin-dir <dir>', 'folder of binaries put first on PATH instead of <workdir>/bin')
    .option('--set <name=value>', 'set a lesson option (repeatable)', collect)
    .option(
      '--pin <name=version>',
      "use VERSION for the lesson's versions.NAME: commands, expectations and artifacts follow (repeatable)",
      collect,
    )
    .option('--isolate', 'run the whole lesson in a network namespace of its own (docs/isolation.md)')
    .option('--no-isolate', "do not isolate, even when the lesson's front matter says so")
    .option('--address <ip>', 'node address in the namespace (default: a free 10.200.X.2/30)')
    .option('--outbound', 'let the isolated node reach the outside through NAT on the host (off by default)');
}

/** `--record` and `--record-dir`, for the commands that can record their sessions (run, the presenter). */
export function withRecordOptions(command: Command): Command {
  return command
    .option(
      '--record',
      'record every session as asciicasts into <workdir>/recordings/<date-time> (docs/recording.md)',
    )
    .option('--record-dir <dir>', 'record into this folder instead (implies --record)');
}

/** What `withSetupOptions` gives a command's options object. */
export interface SetupCommandOptions {
  workdir?: string;
  binDir?: string;
  set?: string[];
  pin?: string[];
  isolate?: boolean;
  address?: string;
  outbound?: boolean;
}
