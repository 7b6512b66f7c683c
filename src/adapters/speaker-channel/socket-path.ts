import { join } from 'node:path';
import { engineDir, MAX_SOCKET_PATH, shortSocketFolder } from '../workdir/engine-files.js';

/**
 * The speaker channel's unix socket for a work directory: `WORKDIR/.demystify/speaker.sock`, or, when
 * that path is too long for a unix socket, `/tmp/demystify-<hash of the workdir>/speaker.sock` (the
 * folder a long work directory's tmux socket uses too, which `cleanup --purge` removes). The presenter
 * and every speaker view compute the same path from the work directory alone.
 */
export function speakerSocketPath(root: string): string {
  const path = join(engineDir(root), 'speaker.sock');
  // The socket is first bound as `sp-<pid>.tmp` beside it (see channel-server.ts): two bytes more.
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return path;
  return join(shortSocketFolder(root), 'speaker.sock');
}
