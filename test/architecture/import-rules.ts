import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

/** One source file: its path from the repository root (posix) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** The clients of the cluster and its tools: only src/adapters (and the composition roots) reach them. */
const CLUSTER_CLIENTS = (spec: string) => spec.startsWith('@kubernetes/') || spec === 'execa';

/** Plain modules src/ops may use besides the ports: validation and Node's own. */
const OPS_PACKAGES = (spec: string) => spec === 'zod' || spec.startsWith('node:');

/** The top-level area of a path: `src/ops`, `handlers`, `jobs`… */
function areaOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'src' ? `src/${parts[1]}` : (parts[0] ?? '');
}

interface Import {
  /** The specifier as written. */
  spec: string;
  /** For a relative import, the imported path from the repository root (no extension). */
  target?: string;
}

function importsOf(file: SourceFile): Import[] {
  return ts
    .preProcessFile(file.text, true, true)
    .importedFiles.map(({ fileName: spec }) =>
      spec.startsWith('.')
        ? { spec, target: posix.normalize(posix.join(posix.dirname(file.path), spec)).replace(/\.js$/, '') }
        : { spec },
    );
}

/**
 * The house rules over imports, as docs/architecture.md states them:
 * - src/ops (the domain) imports src/ops, src/ports, src/shared and plain modules, never an SDK;
 * - src/sim (the Kubernetes simulator) imports no product code: only src/sim and src/shared;
 * - handlers/ and jobs/ never import an adapter or a cluster client (they get their ports from their deps).
 */
export function importViolations(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const area = areaOf(file.path);
    for (const { spec, target } of importsOf(file)) {
      const to = target === undefined ? undefined : areaOf(target);
      const flag = (rule: string) => violations.push({ file: file.path, imports: target ?? spec, rule });
      if (area === 'src/ops') {
        if (to === undefined ? !OPS_PACKAGES(spec) : !['src/ops', 'src/ports', 'src/shared'].includes(to))
          flag('src/ops imports only src/ports, src/shared and plain modules');
      } else if (area === 'src/sim') {
        if (to !== undefined && to !== 'src/sim' && to !== 'src/shared')
          flag('src/sim imports no product code');
      } else if (area === 'handlers' || area === 'jobs') {
        if (to === 'src/adapters' || (to === undefined && CLUSTER_CLIENTS(spec)))
          flag(`${area}/ imports no adapter`);
      }
    }
  }
  return violations;
}

/** Every TypeScript file under the given directories of the repository at `root`. */
export function readSources(root: string, dirs: readonly string[]): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts'))
        out.push({ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return out;
}

export const repoRoot = (testFileUrl: string) => join(dirname(new URL(testFileUrl).pathname), '..', '..');
