import { Command, CommanderError } from 'commander';
import { defaultIo, type CliIo, type CommandDefinition } from './context.js';
import { packageVersion } from './package-version.js';
import { reportError } from './report-error.js';
import { commandDefinitions } from './commands/index.js';

/** Build the program and run it; returns the exit code. Never calls process.exit itself. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('demystify')
    .description('Turn a Markdown lesson into a live, executable workshop.')
    .version(packageVersion())
    .exitOverride()
    // The presenter's options live on the program itself: without this, `run --workdir X` would hand
    // --workdir to the program instead of to `run`.
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run demystify --help for usage)');
  const definitions: CommandDefinition[] = commandDefinitions;
  for (const define of definitions) define(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 1 ? 2 : error.exitCode;
    return reportError(error, io.stderr);
  }
}
