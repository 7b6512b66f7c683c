import { removeIsolation } from '../../adapters/isolation/isolation.js';
import type { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';

/**
 * The presenter's "quit and clean up", once its screen is gone: what `demystify cleanup` does (with
 * `purge`, what `cleanup --purge` does), and the isolation removed last, even when the rest failed.
 * Returns what to tell the user. The talk's clock lived in state.json, which the clean-up moves aside:
 * the next talk starts from zero.
 */
export async function cleanUpAfterPresenter(runtime: WorkdirRuntime, purge: boolean): Promise<string> {
  const root = runtime.files.layout.root;
  let ended: number[];
  try {
    ({ ended } = await runtime.cleanup({ purge }));
  } catch (error) {
    await removeIsolation(root).catch(() => undefined);
    throw error;
  }
  const removed = (await removeIsolation(root)).map((line) => `removed ${line}\n`);
  const purged = purge ? `removed the reset paths and the generated state of ${root}\n` : '';
  return `stopped ${ended.length} process(es) and the lesson's tmux server\n${purged}${removed.join('')}`;
}
