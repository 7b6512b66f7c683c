import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadFile, parseContentRange, type DownloadDeps } from '../../src/adapters/fetch/download.js';
import {
  ConnectionRefusedError,
  DownloadInterruptedError,
  HttpStatusError,
  NoNetworkError,
} from '../../src/adapters/fetch/errors.js';
import type { FetchEvent } from '../../src/adapters/fetch/events.js';
import { classifyNetworkError } from '../../src/adapters/fetch/http.js';

const body = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');

/** A response whose body sends `chunks` and then, optionally, breaks. */
function response(
  status: number,
  chunks: Buffer[],
  headers: Record<string, string>,
  breakAfter = false,
): Response {
  // Chunks go out one per pull, so a break comes after the reader has had them (as on a real socket).
  const queue = [...chunks];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = queue.shift();
      if (chunk) controller.enqueue(new Uint8Array(chunk));
      else if (breakAfter)
        controller.error(
          new TypeError('terminated', {
            cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
          }),
        );
      else controller.close();
    },
  });
  return new Response(stream, { status, headers });
}

interface Fake extends DownloadDeps {
  calls: { url: string; range?: string }[];
  slept: number[];
}

/** Deps whose clock advances 50 ms per reading, with a scripted sequence of answers. */
function fake(answers: ((range?: string) => Response | Promise<Response>)[]): Fake {
  let clock = 0;
  const deps: Fake = {
    calls: [],
    slept: [],
    now: () => (clock += 50),
    sleep: async (ms) => void deps.slept.push(ms),
    fetch: async (url, init) => {
      const range = (init?.headers as Record<string, string> | undefined)?.range;
      deps.calls.push({ url, ...(range ? { range } : {}) });
      const answer = answers.shift();
      if (!answer) throw new Error('unexpected request');
      return answer(range);
    },
  };
  return deps;
}

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dm-dl-unit-'));
}

test('Content-Range parsing', () => {
  assert.deepEqual(parseContentRange('bytes 10-35/36'), { start: 10, total: 36 });
  assert.deepEqual(parseContentRange('bytes 10-35/*'), { start: 10, total: undefined });
  assert.equal(parseContentRange(null), undefined);
  assert.equal(parseContentRange('items 1-2/3'), undefined);
});

test('a broken body is retried with a Range request from where it stopped', async () => {
  const dir = await scratch();
  try {
    const deps = fake([
      () => response(200, [body.subarray(0, 10)], { 'content-length': '36' }, true),
      (range) => {
        assert.equal(range, 'bytes=10-');
        return response(206, [body.subarray(10, 20), body.subarray(20)], {
          'content-range': 'bytes 10-35/36',
        });
      },
    ]);
    const events: FetchEvent[] = [];
    const part = join(dir, 'f.part');
    const done = await downloadFile(
      { url: 'http://h/f', file: 'f', partPath: part, onEvent: (e) => events.push(e) },
      deps,
    );
    // The digest covers the prefix kept from the broken attempt and the resumed rest.
    assert.deepEqual(done, { size: 36, sha256: createHash('sha256').update(body).digest('hex') });
    assert.deepEqual(await readFile(part), body);
    assert.deepEqual(deps.calls, [{ url: 'http://h/f' }, { url: 'http://h/f', range: 'bytes=10-' }]);
    assert.deepEqual(deps.slept, [250]);
    const kinds = events.map((e) => e.kind);
    assert.deepEqual(
      kinds.filter((k) => k !== 'progress'),
      ['start', 'retry', 'start', 'downloaded'],
    );
    const retry = events.find((e) => e.kind === 'retry');
    assert.ok(retry?.kind === 'retry' && retry.offset === 10 && /other side closed/.test(retry.reason));
    const last = events.filter((e) => e.kind === 'progress').at(-1);
    assert.deepEqual(last, { kind: 'progress', file: 'f', received: 36, total: 36 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a server that ignores Range (200) or resumes elsewhere restarts from zero; 416 starts over', async () => {
  const dir = await scratch();
  try {
    const part = join(dir, 'f.part');
    await writeFile(part, 'XXXX');
    await downloadFile({ url: 'u', file: 'f', partPath: part }, fake([() => response(200, [body], {})]));
    assert.deepEqual(await readFile(part), body);

    await writeFile(part, 'XXXX');
    const wrongPlace = fake([
      () => response(206, [body.subarray(2)], { 'content-range': 'bytes 2-35/36' }),
      () => response(200, [body], { 'content-length': '36' }),
    ]);
    await downloadFile({ url: 'u', file: 'f', partPath: part }, wrongPlace);
    assert.deepEqual(await readFile(part), body);
    assert.equal(wrongPlace.calls.length, 2);

    await writeFile(part, Buffer.concat([body, Buffer.from('extra')]));
    const tooLong = fake([() => response(416, [], {}), () => response(200, [body], {})]);
    await downloadFile({ url: 'u', file: 'f', partPath: part }, tooLong);
    assert.deepEqual(await readFile(part), body);
    assert.deepEqual(
      tooLong.calls.map((c) => c.range),
      ['bytes=41-', undefined],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a body shorter than its Content-Length is a broken download, not a complete one', async () => {
  const dir = await scratch();
  try {
    const deps = fake([
      () => response(200, [body.subarray(0, 5)], { 'content-length': '36' }),
      () => response(206, [body.subarray(5)], { 'content-range': 'bytes 5-35/36' }),
    ]);
    await downloadFile({ url: 'u', file: 'f', partPath: join(dir, 'p') }, deps);
    assert.deepEqual(await readFile(join(dir, 'p')), body);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('retries end with a typed error that keeps the partial file', async () => {
  const dir = await scratch();
  try {
    const broken = () => response(200, [body.subarray(0, 3)], { 'content-length': '36' }, true);
    const deps = fake([broken, broken, broken]);
    await assert.rejects(
      downloadFile({ url: 'http://h/f', file: 'f', partPath: join(dir, 'p'), attempts: 3 }, deps),
      (error: unknown) => {
        assert.ok(error instanceof DownloadInterruptedError);
        assert.match(error.message, /download of f from http:\/\/h\/f kept breaking/);
        return true;
      },
    );
    assert.deepEqual(deps.slept, [250, 500]);
    assert.ok((await readFile(join(dir, 'p'))).length > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('HTTP errors, refused connections and no network end at once, without retries', async () => {
  const dir = await scratch();
  try {
    const notFound = fake([() => new Response('nope', { status: 404, statusText: 'Not Found' })]);
    await assert.rejects(
      downloadFile({ url: 'http://h/f', file: 'f', partPath: join(dir, 'p') }, notFound),
      HttpStatusError,
    );
    assert.equal(notFound.calls.length, 1);
    const refused = fake([
      () =>
        Promise.reject(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
          }),
        ),
    ]);
    await assert.rejects(
      downloadFile({ url: 'http://h/f', file: 'f', partPath: join(dir, 'p') }, refused),
      ConnectionRefusedError,
    );
    const offline = fake([
      () =>
        Promise.reject(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('getaddrinfo'), { code: 'EAI_AGAIN' }),
          }),
        ),
    ]);
    await assert.rejects(
      downloadFile({ url: 'http://h/f', file: 'f', partPath: join(dir, 'p') }, offline),
      NoNetworkError,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('network errors are classified through causes and aggregate errors', () => {
  const aggregate = new TypeError('fetch failed', {
    cause: Object.assign(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]), {}),
  });
  assert.ok(classifyNetworkError(aggregate, 'f', 'u') instanceof ConnectionRefusedError);
  assert.ok(
    classifyNetworkError(Object.assign(new Error('x'), { code: 'ENETUNREACH' }), 'f', 'u') instanceof
      NoNetworkError,
  );
  assert.equal(classifyNetworkError(new TypeError('terminated'), 'f', 'u'), undefined);
});

test('progress events are throttled by the clock', async () => {
  const dir = await scratch();
  try {
    const chunks = Array.from({ length: 12 }, (_, i) => body.subarray(i * 3, i * 3 + 3));
    const deps = fake([() => response(200, chunks, { 'content-length': '36' })]);
    const events: FetchEvent[] = [];
    await downloadFile(
      { url: 'u', file: 'f', partPath: join(dir, 'p'), onEvent: (e) => events.push(e) },
      deps,
    );
    // The clock moves 50 ms a reading, so one chunk in two reports, plus the final one.
    const progress = events.filter((e) => e.kind === 'progress');
    assert.ok(progress.length >= 6 && progress.length <= 8, String(progress.length));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
