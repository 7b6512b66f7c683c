import { chmod, lstat, mkdir, rename, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';
import { splitLines } from './ndjson.js';

/** What the server does with an object a follower sent; `reply` answers that follower alone. */
export type ChannelMessageHandler = (message: unknown, reply: (message: object) => void) => void;

/** A follower that stops reading is dropped once this much is waiting for it. */
const MAX_BACKLOG = 1 << 20;

/**
 * The presenter's end of the speaker channel: a unix socket that sends every follower (a speaker
 * view) one JSON object per line, the latest one at once when it connects, then each new one. Followers
 * may send objects back (one per line); the server hands them to `onMessage` and trusts nothing in
 * them; `onMessage` may answer the one follower that sent it (`reply`). Only the user can connect: the socket is made 0600 in a folder of theirs.
 */
export class SpeakerChannelServer {
  readonly path: string;
  private readonly server: Server;
  private readonly followers = new Set<Socket>();
  private last: string | undefined;
  /** The socket file's identity once listening: close removes that file only, not a newer presenter's. */
  private identity: string | undefined;

  private constructor(path: string, server: Server) {
    this.path = path;
    this.server = server;
  }

  /**
   * Listen on `path`. A socket file left there (a presenter that crashed, or one still open on the same
   * work directory) is replaced: the newest presenter is the one followed. The socket is bound under a
   * name of its own in the same folder, then renamed over `path` in one step: followers never see the
   * path missing, and closing (which unlinks the name the socket was bound to) never removes another
   * presenter's socket.
   */
  static async listen(path: string, onMessage: ChannelMessageHandler): Promise<SpeakerChannelServer> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const bound = join(dirname(path), `sp-${process.pid}.tmp`);
    await rm(bound, { force: true });
    const server = createServer();
    const channel = new SpeakerChannelServer(path, server);
    server.on('connection', (socket) => channel.follow(socket, onMessage));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(bound, () => {
          server.off('error', reject);
          resolve();
        });
      });
      await chmod(bound, 0o600);
      await rename(bound, path);
      channel.identity = await identityOf(path);
    } catch (error) {
      server.close();
      await rm(bound, { force: true });
      throw new DemystifyError(
        'SPEAKER_LISTEN',
        `cannot open the speaker channel ${path}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    // A listening socket must not keep the presenter's process alive on its own.
    server.unref();
    return channel;
  }

  /** How many followers are connected. */
  get count(): number {
    return this.followers.size;
  }

  /** Send an object to every follower (and to each one that connects later, until the next). */
  publish(message: object): void {
    const line = `${JSON.stringify(message)}\n`;
    this.last = line;
    for (const socket of this.followers) this.send(socket, line);
  }

  /** Stop listening, drop every follower and remove the socket file. */
  async close(): Promise<void> {
    for (const socket of this.followers) socket.destroy();
    this.followers.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Only our own file: another presenter may have replaced it since.
    if ((await identityOf(this.path)) === this.identity)
      await rm(this.path, { force: true }).catch(() => undefined);
  }

  private follow(socket: Socket, onMessage: ChannelMessageHandler): void {
    this.followers.add(socket);
    socket.setEncoding('utf8');
    socket.unref();
    const reply = (message: object): void => this.send(socket, `${JSON.stringify(message)}\n`);
    const lines = splitLines((line) => {
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        return; // Not JSON: ignored, as any message the presenter does not know.
      }
      try {
        onMessage(message, reply);
      } catch {
        // A follower's message never brings the presenter down.
      }
    });
    socket.on('data', (chunk: string) => {
      if (!lines(chunk)) socket.destroy();
    });
    const drop = (): void => void this.followers.delete(socket);
    socket.on('close', drop);
    socket.on('error', drop);
    if (this.last) this.send(socket, this.last);
  }

  private send(socket: Socket, line: string): void {
    if (socket.writableLength > MAX_BACKLOG) {
      socket.destroy();
      this.followers.delete(socket);
      return;
    }
    socket.write(line);
  }
}

/** A file's inode and change time in nanoseconds: an inode freed and reused gets another time. */
async function identityOf(path: string): Promise<string | undefined> {
  const stat = await lstat(path, { bigint: true }).catch(() => undefined);
  return stat ? `${stat.ino}:${stat.ctimeNs}` : undefined;
}
