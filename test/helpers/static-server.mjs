#!/usr/bin/env node
// A plain static file server for tests that must run it in another network namespace (started through
// nsenter): `static-server.mjs DIR PORT`. Listens on every address, prints `listening` once ready and one
// `GET <path> <status>` line per request, so the test can tell what was downloaded.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

const [dir = '.', port = '0'] = process.argv.slice(2);
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  const file = join(dir, path);
  let size = -1;
  try {
    if (!path.startsWith('/..') && statSync(file).isFile()) size = statSync(file).size;
  } catch {
    // Missing: 404 below.
  }
  console.log(`GET ${path} ${size < 0 ? 404 : 200}`);
  if (size < 0) {
    res.writeHead(404).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
server.listen(Number(port), '0.0.0.0', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
