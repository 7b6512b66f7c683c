import assert from 'node:assert/strict';

/**
 * Poll until `check` gives a value (neither undefined nor false), or fail after `timeoutMs` naming
 * `what`. Tests wait this way, never by a fixed sleep: a fixed sleep is too long on a quiet machine
 * and too short on a busy one, where the test then passes or fails for the wrong reason.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
