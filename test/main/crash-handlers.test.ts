import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { CRASH_EXIT_CODE } from '../../src/main/crash-handlers.js';

const child = fileURLToPath(new URL('./support/crash-child.ts', import.meta.url));

describe('an error nobody handled, in a bosun process', () => {
  it.each(['rejection', 'exception'])(
    'an unhandled %s is logged as fatal and the process exits',
    async (how) => {
      const result = await execa(process.execPath, ['--import', 'tsx', child, how], {
        reject: false,
        timeout: 20_000,
      });
      expect(result.exitCode).toBe(CRASH_EXIT_CODE);
      expect(result.stdout).not.toContain('still running');
      const fatal = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; origin?: string; err?: { message?: string } })
        .find((entry) => entry.level === 60);
      expect(fatal?.origin).toBe(how === 'rejection' ? 'unhandledRejection' : 'uncaughtException');
      expect(fatal?.err?.message).toMatch(/nobody (awaited|caught) this/);
    },
  );
});
