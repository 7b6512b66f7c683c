import { readFile } from 'node:fs/promises';
import { writeFileSafely } from '../../adapters/files/write-file-safely.js';

/** The looks of the presenter (see theme.ts). */
export type ThemeName = 'dark' | 'light' | 'contrast';

/**
 * What the presenter keeps between two openings of one work directory, beside state.json (which is
 * the engine's): the typing pace, the theme and the split, so a presenter who quits and comes back finds
 * the screen as it was. The talk's clock is not here: it is the speaker view's, in state.json.
 */
export interface PresenterSettings {
  /** Keys per second of human typing. */
  keysPerSecond?: number;
  theme?: ThemeName;
  /** The narration's share of the screen (null: the default for its shape). */
  split?: number | null;
}

const THEMES: ThemeName[] = ['dark', 'light', 'contrast'];

/** Keep only what is valid in a parsed settings file (a hand-edited one must not break the presenter). */
function validSettings(raw: unknown): PresenterSettings {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const out: PresenterSettings = {};
  if (typeof r.keysPerSecond === 'number' && r.keysPerSecond > 0) out.keysPerSecond = r.keysPerSecond;
  if (typeof r.theme === 'string' && THEMES.includes(r.theme as ThemeName)) out.theme = r.theme as ThemeName;
  if (r.split === null || (typeof r.split === 'number' && r.split > 0 && r.split < 1)) out.split = r.split;
  return out;
}

/** The settings of a work directory (none yet, or unreadable: the defaults). */
export async function loadSettings(file: string): Promise<PresenterSettings> {
  try {
    return validSettings(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return {};
  }
}

/** Keep the settings (atomically); a failure to write costs only the settings, never the talk. */
export async function saveSettings(file: string, settings: PresenterSettings): Promise<void> {
  await writeFileSafely(file, `${JSON.stringify(settings, null, 2)}\n`, { parents: true }).catch(
    () => undefined,
  );
}
