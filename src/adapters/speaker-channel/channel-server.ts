import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';
import { splitLines } from './ndjson.js';

/** A follower that stops reading is dropped once this much is waiting for it. */
const MAX_BACKLOG = 1 << 20;

/**
 * The presenter's end of the speaker channel: a unix socket that sends every follower (a speaker
 * view) one JSON object per line, the latest one at once when it connects, then each new one. Followers
 * may send objects back (one per line); the server hands them to `onMessage` and trusts nothing in
 * them. Only the user can connect: the socket is made 0600 in a folder of theirs.
 */
export class SpeakerChannelServer {
  readonly path: string;
  private readonly server: Server;
  private readonly followers = new Set<Socket>();
  private last: string | undefined;
  /** The socket file's inode once listening: close removes that file only, not a newer presenter's. */
  private inode: number | undefined;

  private constructor(path: string, server: Server) {
    this.path = path;
    this.server = server;
  }

  /**
   * Listen on `path`. A socket file left there (a presenter that crashed, or one still open on the same
   * work directory) is replaced: the newest presenter is the one followed.
   */
  static async listen(path: string, onMessage: (message: unknown) => void): Promise<SpeakerChannelServer> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const stale = await lstat(path).catch(() => undefined);
    if (stale?.isSocket()) await rm(path, { force: true });
    const server = createServer();
    const channel = new SpeakerChannelServer(path, server);
    server.on('connection', (socket) => channel.follow(socket, onMessage));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      });
      await chmod(path, 0o600);
      channel.inode = (await lstat(path)).ino;
    } catch (error) {
      server.close();
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
    const now = await lstat(this.path).catch(() => undefined);
    if (now && now.ino === this.inode) await rm(this.path, { force: true }).catch(() => undefined);
  }

  private follow(socket: Socket, onMessage: (message: unknown) => void): void {
    this.followers.add(socket);
    socket.setEncoding('utf8');
    socket.unref();
    const lines = splitLines((line) => {
      try {
        onMessage(JSON.parse(line));
      } catch {
        // Not JSON: ignored, as any message the presenter does not know.
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
