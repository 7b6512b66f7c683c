import { removeIsolation } from '../../adapters/isolation/isolation.js';
import type { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import { saveSettings, type PresenterSettings } from './settings.js';

/**
 * The presenter's "quit and clean up", once its screen is gone: what `demystify cleanup` does (with
 * `purge`, what `cleanup --purge` does), and the isolation removed last, even when the rest failed.
 * Returns what to tell the user. The settings are kept with the talk's clock back to zero (the lesson
 * begins again next time), unless purged: the purge removes the folder they live in, as `cleanup --purge`.
 */
export async function cleanUpAfterPresenter(
  runtime: WorkdirRuntime,
  settings: { file: string; last: PresenterSettings },
  purge: boolean,
): Promise<string> {
  const root = runtime.files.layout.root;
  let ended: number[];
  try {
    ({ ended } = await runtime.cleanup({ purge }));
  } catch (error) {
    await removeIsolation(root).catch(() => undefined);
    throw error;
  }
  if (!purge) await saveSettings(settings.file, { ...settings.last, clockMs: 0 });
  const removed = (await removeIsolation(root)).map((line) => `removed ${line}\n`);
  const purged = purge ? `removed the reset paths and the generated state of ${root}\n` : '';
  return `stopped ${ended.length} process(es) and the lesson's tmux server\n${purged}${removed.join('')}`;
}
