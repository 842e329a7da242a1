#!/usr/bin/env node
// Runs bosun straight from its TypeScript sources (no build step): tsx compiles on load.
// The container image runs the compiled build instead (see Dockerfile).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
