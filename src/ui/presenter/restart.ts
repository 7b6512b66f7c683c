/**
 * A clean restart of a component in its session, as a person would do it: Ctrl-C, then wait for the
 * shell's prompt to come back. Only then can its step run again (the engine refuses to type into a
 * session that still runs a command). A program that ignores Ctrl-C has its session closed instead;
 * the engine makes a fresh one when the step runs.
 */

/** What a restart needs of the world, injectable for tests. */
export interface RestartDeps {
  /** Run a tmux command on the lesson's server. */
  tmux(args: string[]): Promise<string>;
  /** Is the session's shell at its prompt (from its log's marks)? undefined: cannot tell. */
  shellIdle(session: string): Promise<boolean | undefined>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Stop what runs in `session` and wait for its prompt, at most `graceMs`. Resolves true when it stopped
 * on Ctrl-C (or nothing ran), false when the session had to be closed.
 */
export async function restartComponent(
  session: string,
  deps: RestartDeps,
  graceMs = 10_000,
): Promise<boolean> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? Date.now;
  if ((await deps.shellIdle(session).catch(() => undefined)) !== false) return true;
  await deps.tmux(['send-keys', '-t', `=${session}:`, 'C-c']).catch(() => undefined);
  const deadline = now() + graceMs;
  while (now() < deadline) {
    await sleep(100);
    if ((await deps.shellIdle(session).catch(() => undefined)) !== false) return true;
  }
  await deps.tmux(['kill-session', '-t', `=${session}`]).catch(() => undefined);
  return false;
}
