/**
 * Builds src/sim/http/protobuf/k8s-schema.json from Kubernetes' own API definitions: every `generated.proto` of
 * k8s.io/api plus apimachinery's meta/v1, runtime, util/intstr and api/resource, parsed with protobufjs into one
 * JSON descriptor. Go structs that embed another struct with `json:",inline"` (Volume's VolumeSource, Probe's
 * ProbeHandler, …) are recorded too: in JSON their fields sit on the parent, in protobuf in a nested message.
 *
 *   npx tsx scripts/k8s-protobuf-schema.ts <kubernetes/api git dir> <kubernetes/apimachinery git dir> [ref]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const [apiDir, machineryDir, ref = 'release-1.33'] = process.argv.slice(2);
if (!apiDir || !machineryDir)
  throw new Error('usage: k8s-protobuf-schema.ts <api git dir> <apimachinery git dir> [ref]');

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const files = (dir: string) => git(dir, 'ls-tree', '-r', '--name-only', ref).split('\n');

const MACHINERY = ['pkg/apis/meta/v1', 'pkg/runtime', 'pkg/util/intstr', 'pkg/api/resource'];
const sources: { dir: string; path: string; pkg: string }[] = [];
for (const path of files(apiDir).filter((p) => p.endsWith('/generated.proto')))
  sources.push({ dir: apiDir, path, pkg: path.replace(/\/generated\.proto$/, '') });
for (const pkg of MACHINERY) sources.push({ dir: machineryDir, path: `${pkg}/generated.proto`, pkg });

const root = new protobuf.Root();
const inline: Record<string, string[]> = {};
for (const source of sources) {
  const text = git(source.dir, 'show', `${ref}:${source.path}`);
  const parsed = protobuf.parse(text, root, { keepCase: true });
  const protoPackage = parsed.package ?? '';
  const goFiles = files(source.dir).filter(
    (p) =>
      p.startsWith(`${source.pkg}/`) &&
      !p.slice(source.pkg.length + 1).includes('/') &&
      /^types.*\.go$/.test(p.split('/').pop() ?? ''),
  );
  for (const goFile of goFiles) {
    let struct: string | undefined;
    for (const line of git(source.dir, 'show', `${ref}:${goFile}`).split('\n')) {
      const start = /^type (\w+) struct \{/.exec(line);
      if (start) struct = start[1];
      else if (line.startsWith('}')) struct = undefined;
      const embedded = /^\s+\*?\w+\s+`json:",inline" protobuf:"[^"]*name=(\w+)/.exec(line);
      if (struct && embedded?.[1]) {
        const key = `${protoPackage}.${struct}`;
        inline[key] = [...(inline[key] ?? []), embedded[1]];
      }
    }
  }
}
root.resolveAll();
const schema = {
  source: `kubernetes/api and kubernetes/apimachinery ${ref}: generated.proto (protobufjs JSON descriptor), inline fields from types*.go`,
  inline,
  root: root.toJSON(),
};
writeFileSync(
  new URL('../src/sim/http/protobuf/k8s-schema.json', import.meta.url),
  `${JSON.stringify(schema)}\n`,
);
console.log(`${sources.length} proto files, ${Object.keys(inline).length} structs with inline fields`);
