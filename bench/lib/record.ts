import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One measured figure, in the format of docs/architecture.md ("Benchmarks"). */
export interface BenchFigure {
  name: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: string;
  baselineValue?: number;
  ratio?: number;
  goal?: string;
  [extra: string]: unknown;
}

export interface BenchRecord extends BenchFigure {
  node: string;
  cpus: number;
  at: string;
}

/** Adds the machine fields every record carries. */
export function record(figure: BenchFigure): BenchRecord {
  return { ...figure, node: process.version, cpus: availableParallelism(), at: new Date().toISOString() };
}

/** Prints records as an aligned table. */
export function printTable(title: string, records: BenchRecord[]): void {
  const columns = ['name', 'metric', 'value', 'unit', 'baseline', 'baselineValue', 'ratio', 'goal'] as const;
  const rows = records.map((r) =>
    columns.map((c) => {
      const v = r[c];
      if (v === undefined) return '';
      return typeof v === 'number' ? String(Number(v.toFixed(3))) : String(v);
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Writes `bench/results/<name>.json` (not committed). */
export async function writeResults(name: string, records: BenchRecord[]): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(records, null, 2)}\n`);
  return file;
}

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
