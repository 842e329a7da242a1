import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Compares a value with its golden JSON file beside the test (`golden/<name>.json`). `UPDATE_GOLDEN=1` rewrites
 * the files; a changed layout is then a reviewed diff. A missing golden file fails the test (never silently
 * written in CI).
 */
export function expectGolden(testFileUrl: string, name: string, value: unknown): void {
  const file = join(dirname(fileURLToPath(testFileUrl)), 'golden', `${name}.json`);
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`no golden file ${name}.json; run the test with UPDATE_GOLDEN=1 and review it`);
  expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}
