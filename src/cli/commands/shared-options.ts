import { Option } from 'commander';

/** Commander collector of a repeatable option (`--set a=1 --set b=2` gives both, in order). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** What `--workdir` says where a command has nothing more precise to say. */
const WORKDIR_HELP = 'work directory (default: $DEMYSTIFY_HOME/<lesson-id>)';

/**
 * `--workdir <dir>`, declared here once so that every command spells it alike; a command whose work
 * directory means something narrower (the bin/ that receives binaries, the plan's) says so in `help`.
 */
export function workdirOption(help: string = WORKDIR_HELP): Option {
  return new Option('--workdir <dir>', help);
}

/**
 * `--lang <lang>`, the language of the built-in lesson. The commands that open it for a person (the
 * presenter, learn) default to the locale's language, and say so.
 */
export function langOption(options: { localeDefault?: boolean } = {}): Option {
  const choices = options.localeDefault ? 'en, fr; default: the locale' : 'en, fr';
  return new Option('--lang <lang>', `language of the built-in lesson (${choices})`);
}
