#!/usr/bin/env node
// After a build from a checkout, make `npx demystify` work: npm does not link a package's own bin
// into its node_modules/.bin, so this does, and sets the run bit tsc does not.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const target = `${root}dist/src/cli/bin.js`;
chmodSync(target, 0o755);
mkdirSync(`${root}node_modules/.bin`, { recursive: true });
rmSync(`${root}node_modules/.bin/demystify`, { force: true });
symlinkSync('../../dist/src/cli/bin.js', `${root}node_modules/.bin/demystify`);
