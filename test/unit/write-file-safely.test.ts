import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  chmod,
  lchown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readReplaceable,
  writeFileSafely,
  type WrittenFile,
} from '../../src/adapters/files/write-file-safely.js';
import { DemystifyError } from '../../src/errors.js';

// Every special file here is made in a temp folder of the test's own (mkfifo, mknod): never a real device.

const isRoot = process.geteuid?.() === 0;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-write-safely-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Names in `dir` that look like a temp file of the helper. */
async function temps(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A null device (major 1, minor 3) of the test's own, or undefined when this machine will not allow one. */
function mknodNull(path: string): string | undefined {
  try {
    execFileSync('mknod', [path, 'c', '1', '3'], { stdio: 'ignore' });
    return path;
  } catch {
    return undefined;
  }
}

/** Write to a FIFO while reading it: returns what the reader got and what the helper said. */
async function writeFifo(path: string, data: string): Promise<{ read: string; written: WrittenFile }> {
  const [read, written] = await Promise.all([readFile(path, 'utf8'), writeFileSafely(path, data)]);
  return { read, written };
}

function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DemystifyError, `expected a DemystifyError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(error.hint, 'a hint says what to do');
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

interface Case {
  name: string;
  /** Make the path to write to in `dir` (undefined: this machine cannot, skip). */
  setup: (dir: string) => Promise<string | undefined>;
  /** Called with the path after the write (or the refusal). */
  check: (path: string, dir: string, result: WrittenFile | unknown) => Promise<void>;
  refused?: string;
  mode?: number;
}

const cases: Case[] = [
  {
    name: 'missing target: created with the mode',
    setup: async (dir) => join(dir, 'new.conf'),
    mode: 0o600,
    check: async (path, _dir, result) => {
      assert.deepEqual(result, { path, kind: 'file', bytes: 4 });
      assert.equal(await readFile(path, 'utf8'), 'data');
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    },
  },
  {
    name: 'regular file: content and mode replaced',
    setup: async (dir) => {
      const path = join(dir, 'old.conf');
      await writeFile(path, 'old content, longer than the new one');
      await chmod(path, 0o666);
      return path;
    },
    mode: 0o600,
    check: async (path) => {
      assert.equal(await readFile(path, 'utf8'), 'data');
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    },
  },
  {
    name: 'FIFO: written in place, still a FIFO',
    setup: async (dir) => {
      const path = join(dir, 'pipe');
      mkfifo(path);
      return path;
    },
    check: async (path) => {
      assert.ok((await lstat(path)).isFIFO());
    },
  },
  {
    name: 'character device (mknod in a temp folder): written in place, still the same device, mode kept',
    setup: async (dir) => mknodNull(join(dir, 'null')),
    mode: 0o600,
    check: async (path, _dir, result) => {
      assert.deepEqual(result, { path, kind: 'character-device', bytes: 4 });
      const info = await lstat(path);
      assert.ok(info.isCharacterDevice());
      assert.equal(info.rdev, (1 << 8) | 3, 'still major 1, minor 3');
      assert.notEqual(info.mode & 0o777, 0o600, 'a device mode is never changed');
    },
  },
  {
    name: 'directory: refused, untouched',
    setup: async (dir) => {
      const path = join(dir, 'folder');
      await mkdir(path);
      await writeFile(join(path, 'inside'), 'x');
      return path;
    },
    refused: 'WRITE_IS_DIRECTORY',
    check: async (path) => {
      assert.ok((await lstat(path)).isDirectory());
      assert.deepEqual(await readdir(path), ['inside']);
    },
  },
  {
    name: 'socket: refused, untouched',
    setup: async (dir) => {
      const path = join(dir, 'sock');
      const server = createServer();
      await new Promise<void>((done) => server.listen(path, done));
      // Closing the server would unlink it; unref keeps the socket file while the test runs.
      server.unref();
      return path;
    },
    refused: 'WRITE_SPECIAL_FILE',
    check: async (path) => {
      assert.ok((await lstat(path)).isSocket());
    },
  },
  {
    name: 'symbolic link to a regular file: the file it names is replaced, the link stays',
    setup: async (dir) => {
      await writeFile(join(dir, 'real.conf'), 'old');
      await symlink('real.conf', join(dir, 'link.conf'));
      return join(dir, 'link.conf');
    },
    check: async (path, dir, result) => {
      assert.ok((await lstat(path)).isSymbolicLink());
      assert.equal(await readlink(path), 'real.conf');
      assert.equal(await readFile(join(dir, 'real.conf'), 'utf8'), 'data');
      assert.equal((result as WrittenFile).path, join(dir, 'real.conf'));
    },
  },
  {
    name: 'symbolic link to nothing: creates the file it names, the link stays',
    setup: async (dir) => {
      await symlink('sub/target.conf', join(dir, 'dangling'));
      await mkdir(join(dir, 'sub'));
      return join(dir, 'dangling');
    },
    check: async (path, dir) => {
      assert.ok((await lstat(path)).isSymbolicLink());
      assert.equal(await readFile(join(dir, 'sub/target.conf'), 'utf8'), 'data');
    },
  },
  {
    name: 'symbolic link to a character device: written in place through the link',
    setup: async (dir) => {
      const device = mknodNull(join(dir, 'null'));
      if (!device) return undefined;
      await symlink(device, join(dir, 'to-null'));
      return join(dir, 'to-null');
    },
    check: async (path, dir) => {
      assert.ok((await lstat(path)).isSymbolicLink());
      assert.ok((await lstat(join(dir, 'null'))).isCharacterDevice());
    },
  },
  {
    name: 'symbolic link to a directory: refused, naming the link and what it names',
    setup: async (dir) => {
      await mkdir(join(dir, 'folder'));
      await symlink('folder', join(dir, 'to-folder'));
      return join(dir, 'to-folder');
    },
    refused: 'WRITE_IS_DIRECTORY',
    check: async (path, dir, error) => {
      assert.match((error as Error).message, /to-folder \(a link to .*folder\) is a directory/);
      assert.deepEqual(await readdir(join(dir, 'folder')), []);
      assert.ok((await lstat(path)).isSymbolicLink());
    },
  },
  {
    name: 'a loop of links: refused',
    setup: async (dir) => {
      await symlink('b', join(dir, 'a'));
      await symlink('a', join(dir, 'b'));
      return join(dir, 'a');
    },
    refused: 'WRITE_LINK_LOOP',
    check: async (path) => {
      assert.ok((await lstat(path)).isSymbolicLink());
    },
  },
];

for (const c of cases) {
  test(`writeFileSafely: ${c.name}`, async (t) => {
    const dir = await tempDir(t);
    const path = await c.setup(dir);
    if (!path) return t.skip('cannot make this special file here (mknod needs root)');
    const write = async () => {
      if (!(await lstat(path).catch(() => undefined))?.isFIFO()) {
        return writeFileSafely(path, 'data', c.mode === undefined ? {} : { mode: c.mode });
      }
      const { read, written } = await writeFifo(path, 'data');
      assert.equal(read, 'data', 'the reader got the bytes');
      assert.deepEqual(written, { path, kind: 'fifo', bytes: 4 });
      return written;
    };
    let result: unknown;
    if (c.refused) {
      await assert.rejects(
        write().catch((error: unknown) => {
          result = error;
          throw error;
        }),
        rejectsWith(c.refused, new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))),
      );
    } else {
      result = await write();
    }
    await c.check(path, dir, result);
    assert.deepEqual(await temps(dir), [], 'no temp file left');
  });
}

test('writeFileSafely: a failure in the middle of the write leaves no temp file and the old content', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'state.json');
  await writeFile(path, 'old');
  async function* failing(): AsyncGenerator<string> {
    yield 'half of the new ';
    throw new Error('disk on fire');
  }
  await assert.rejects(writeFileSafely(path, failing()), /disk on fire/);
  assert.equal(await readFile(path, 'utf8'), 'old');
  assert.deepEqual(await readdir(dir), ['state.json']);
  // A missing folder fails before anything is created; `parents` creates it.
  await assert.rejects(writeFileSafely(join(dir, 'no', 'x'), 'x'), /ENOENT/);
  const made = await writeFileSafely(join(dir, 'no', 'x'), 'x', { parents: true });
  assert.equal(made.kind, 'file');
});

test('writeFileSafely: concurrent writes to one target never collide on a temp name', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'shared.json');
  const contents = Array.from({ length: 40 }, (_, i) => `writer ${i}\n`.repeat(200));
  const results = await Promise.all(contents.map((text) => writeFileSafely(path, text)));
  assert.equal(results.length, 40);
  assert.ok(contents.includes(await readFile(path, 'utf8')), 'one whole write won');
  assert.deepEqual(await readdir(dir), ['shared.json']);
});

test('writeFileSafely: the mode is exact whatever the umask; chunks and bytes are counted', async (t) => {
  const dir = await tempDir(t);
  const old = process.umask(0o077);
  try {
    await writeFileSafely(join(dir, 'cert.pem'), 'one', { mode: 0o644 });
  } finally {
    process.umask(old);
  }
  assert.equal((await stat(join(dir, 'cert.pem'))).mode & 0o777, 0o644);
  const written = await writeFileSafely(join(dir, 'chunks'), ['é', Buffer.from('ab')]);
  assert.equal(written.bytes, 4);
  assert.equal(readFileSync(join(dir, 'chunks'), 'utf8'), 'éab');
});

test('writeFileSafely: a block device node is refused and never opened', async (t) => {
  const dir = await tempDir(t);
  // 240 is a block major for local/experimental use: no driver behind it, in case the refusal were broken.
  const devices = readFileSync('/proc/devices', 'utf8');
  const block = devices.slice(devices.indexOf('Block devices:'));
  if (/^\s*240\s/m.test(block)) return t.skip('block major 240 is in use on this machine');
  const path = join(dir, 'disk');
  try {
    execFileSync('mknod', [path, 'b', '240', '0'], { stdio: 'ignore' });
  } catch {
    return t.skip('mknod needs root');
  }
  await assert.rejects(writeFileSafely(path, 'data'), rejectsWith('WRITE_SPECIAL_FILE', /is a block device/));
  assert.ok((await lstat(path)).isBlockDevice());
  assert.deepEqual(await temps(dir), []);
});

test('writeFileSafely: a link of another user in a sticky world-writable folder is not followed', async (t) => {
  if (!isRoot) return t.skip('needs root to give the link to another user');
  const dir = await tempDir(t);
  const shared = join(dir, 'shared');
  await mkdir(shared);
  await chmod(shared, 0o1777);
  await writeFile(join(dir, 'precious'), 'keep me');
  const link = join(shared, 'out.conf');
  await symlink(join(dir, 'precious'), link);
  await lchown(link, 65534, 65534);
  await assert.rejects(writeFileSafely(link, 'data'), rejectsWith('WRITE_UNSAFE_LINK', /out\.conf/));
  assert.equal(await readFile(join(dir, 'precious'), 'utf8'), 'keep me');
  assert.ok((await lstat(link)).isSymbolicLink());
  // The same link owned by the writer is followed (the kernel's rule).
  await lchown(link, 0, 0);
  await writeFileSafely(link, 'data');
  assert.equal(await readFile(join(dir, 'precious'), 'utf8'), 'data');
});

test('readReplaceable: the text of a regular file; nothing (and no waiting) for a FIFO or a device', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'a.conf'), 'text');
  await symlink('a.conf', join(dir, 'link'));
  mkfifo(join(dir, 'pipe'));
  assert.equal(await readReplaceable(join(dir, 'a.conf')), 'text');
  assert.equal(await readReplaceable(join(dir, 'link')), 'text');
  assert.equal(await readReplaceable(join(dir, 'missing')), undefined);
  assert.equal(await readReplaceable(join(dir, 'pipe')), undefined);
  const device = mknodNull(join(dir, 'null'));
  if (device) assert.equal(await readReplaceable(device), undefined);
});
