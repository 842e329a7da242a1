import { readFileSync } from 'node:fs';

/** bosun's version, from the package.json above this file (sources run from src/, the image from dist/src/). */
function readVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'bosun' && pkg.version) return pkg.version;
    } catch {
      // not there: look one level up
    }
  }
  return 'unknown';
}

export const BOSUN_VERSION = readVersion();
