import type { CommandDefinition } from '../context.js';

/** Every subcommand, in the order `--help` lists them. Each module is light: it loads its work lazily. */
export const commandDefinitions: CommandDefinition[] = [];
