#!/usr/bin/env node
import { main } from './main.js';

// The only place that ends the process: main() returns the exit code.
process.exitCode = await main(process.argv.slice(2));
