import { describe, expect, it } from '@jest/globals';
import { importViolations, readSources, repoRoot } from './import-rules.js';

describe('the house rules over imports', () => {
  it('hold for the whole code base', () => {
    const sources = readSources(repoRoot(import.meta.url), ['src', 'handlers', 'jobs']);
    expect(sources.length).toBeGreaterThan(100);
    expect(importViolations(sources)).toEqual([]);
  });

  it('catch the domain importing a command parser, an adapter or an SDK', () => {
    const found = importViolations([
      { path: 'src/ops/drain/x.ts', text: "import { didYouMean } from '../../commands/parse.js';" },
      { path: 'src/ops/y.ts', text: "import { Redis } from 'ioredis';\nimport { z } from 'zod';" },
      { path: 'src/ops/z.ts', text: "export { systemClock } from '../adapters/clock.js';" },
      {
        path: 'src/ops/ok.ts',
        text: "import type { Lock } from '../ports/lock.js';\nimport { a } from '../shared/q.js';",
      },
    ]);
    expect(found.map((v) => `${v.file} → ${v.imports}`)).toEqual([
      'src/ops/drain/x.ts → src/commands/parse',
      'src/ops/y.ts → ioredis',
      'src/ops/z.ts → src/adapters/clock',
    ]);
  });

  it('catch the simulator importing product code, dynamic imports included', () => {
    const found = importViolations([
      { path: 'src/sim/a.ts', text: "import { parseQuantity } from '../ops/quantity.js';" },
      { path: 'src/sim/http/b.ts', text: "const m = await import('../../messages/notice.js');" },
      {
        path: 'src/sim/c.ts',
        text: "import { z } from 'zod';\nimport { x } from '../shared/clock.js';\nimport { y } from './d.js';",
      },
    ]);
    expect(found.map((v) => v.imports)).toEqual(['src/ops/quantity', 'src/messages/notice']);
  });

  it('catch handlers and jobs importing an adapter', () => {
    const found = importViolations([
      { path: 'handlers/a.ts', text: "import { RedisLocks } from '../src/adapters/redis/redis-locks.js';" },
      { path: 'jobs/b.ts', text: "import { KubeConfig } from '@kubernetes/client-node';" },
      {
        path: 'handlers/c.ts',
        text: "import type { App } from '@slack/bolt';\nimport { x } from '../src/ops/y.js';",
      },
    ]);
    expect(found.map((v) => `${v.file} → ${v.imports}`)).toEqual([
      'handlers/a.ts → src/adapters/redis/redis-locks',
      'jobs/b.ts → @kubernetes/client-node',
    ]);
  });
});
