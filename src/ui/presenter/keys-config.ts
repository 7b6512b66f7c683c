import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { DemystifyError, messageOf } from '../../errors.js';
import { mergeKeymap, type Keymap } from './keymap.js';

/** Where the presenter's key bindings live: `$XDG_CONFIG_HOME/demystify/keys.yaml` (`~/.config/...`). */
export function defaultKeysFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'demystify', 'keys.yaml');
}

/** The file system, injectable for tests. */
export interface KeysConfigDeps {
  readFile: (path: string) => Promise<string>;
}

const defaultDeps: KeysConfigDeps = { readFile: (path) => readFile(path, 'utf8') };

/**
 * The keymap in force: the defaults, with the bindings of `file` over them. A missing file is the
 * normal case (defaults); an unreadable or invalid one is an error the user can fix, not a silent
 * fallback, since a presenter who remapped a key must not discover on stage that it did not take.
 */
export async function loadKeymap(
  file: string = defaultKeysFile(),
  deps: KeysConfigDeps = defaultDeps,
  options: { required?: boolean } = {},
): Promise<Keymap> {
  let text: string;
  try {
    text = await deps.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.required)
      return mergeKeymap(undefined);
    throw new DemystifyError('KEYS_READ', `cannot read key bindings '${file}': ${messageOf(error)}`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = load(text);
  } catch (error) {
    throw new DemystifyError('KEYS_INVALID', `${file}: not valid YAML: ${messageOf(error).split('\n')[0]}`, {
      cause: error,
      hint: 'see docs/keys.md',
    });
  }
  return mergeKeymap(parsed, file);
}
