#!/usr/bin/env node
// Runs bosun straight from its TypeScript sources (no build step): tsx compiles on load.
// The container image runs the compiled build instead (see Dockerfile).
import { register } from 'tsx/esm/api';

register();
await import('../src/main/entry.ts');
