import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchRecord, printTable, writeResults } from './lib/record.js';

/**
 * `npm run bench -- <name>` runs bench/<name>.ts; `all` runs every one. Each benchmark module exports
 * `run(): Promise<BenchRecord[]>`, measuring bosun and its baseline in the same run.
 */
const here = dirname(fileURLToPath(import.meta.url));

async function benchmarks(): Promise<string[]> {
  const files = await readdir(here);
  return files
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

async function main(): Promise<number> {
  const available = await benchmarks();
  const wanted = process.argv[2];
  if (!wanted || wanted === '--help' || wanted === '-h') {
    console.log(`usage: npm run bench -- <name>|all\nbenchmarks: ${available.join(', ')}`);
    return wanted ? 0 : 2;
  }
  const names = wanted === 'all' ? available : [wanted];
  for (const name of names) {
    if (!available.includes(name)) {
      console.error(`no benchmark named "${name}"; available: ${available.join(', ')}`);
      return 2;
    }
    const module = (await import(pathToFileURL(`${here}/${name}.ts`).href)) as {
      run(args: string[]): Promise<BenchRecord[]>;
    };
    const records = await module.run(process.argv.slice(3));
    printTable(`bench ${name}`, records);
    console.log(`wrote ${await writeResults(name, records)}`);
  }
  return 0;
}

process.exitCode = await main();
