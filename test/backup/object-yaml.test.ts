import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { objectToYaml } from '../../src/backup/object-yaml.js';
import { KUBECTL_EDGES } from '../support/kubectl.js';
import { type SimRig, startSimRig } from '../support/sim.js';

/** Strings a careless YAML writer turns into something else (YAML 1.1 booleans, numbers, syntax, whitespace). */
const TRICKY = [
  '',
  ' ',
  'yes',
  'No',
  'ON',
  'off',
  'y',
  'N',
  'true',
  'False',
  'null',
  'Null',
  '~',
  '1.27',
  '010',
  '0x1F',
  '1:20',
  '1e3',
  '+1',
  '-1',
  '1_000',
  '.inf',
  '.nan',
  '-',
  '- x',
  '?',
  '? x',
  '*a',
  '&a',
  '!t',
  '%x',
  '@x',
  '`x',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '#x',
  'x #y',
  'a: b',
  'a:b',
  'trailing ',
  ' leading',
  'tab\tx',
  'x\r\ny',
  'line\n',
  'line',
  'two\nlines',
  'two\nlines\n',
  'kept\n\n\n',
  '  indented\nx',
  'x\n  indented\n',
  'x\n   \ny',
  '\nfirst empty',
  'unicode ünï 😀',
  'bom\ufeff',
  'nul\u0000',
  'del\u007f',
  'sep\u2028x',
  'app.kubernetes.io/name',
  'registry.example/app:1.2.3',
  'sep\u2028in\nblock',
  'emoji 😀\nline',
  'ünï\ncödé\n',
  'http://x.example/a?b=c&d',
  '>folded',
  '|literal',
  'a\\b',
  'key=value',
];

const corpus = () => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'tricky',
    namespace: 'default',
    labels: { 'app.kubernetes.io/name': 'web', tier: 'true' },
    annotations: Object.fromEntries(TRICKY.map((t, i) => [`a${i}.bosun.dev/x`, t])),
  },
  data: Object.fromEntries(TRICKY.map((t, i) => [`k${i}`, t])),
});

describe('objects as YAML', () => {
  it('reads back exactly with a YAML 1.2 parser: tricky strings, keys, numbers, nesting, empties', () => {
    const value = {
      ...corpus(),
      keys: Object.fromEntries(TRICKY.map((t) => [t, t])),
      numbers: [0, 1, -7, 1.5, 12345678901, 0.001],
      flags: [true, false, null],
      empty: { map: {}, list: [], text: '' },
      nested: [[1, [2, []]], [{ a: { b: [{ c: 'd' }, {}] } }], 'x', { 'multi line': 'one\ntwo\n' }],
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 80 }], args: ['--x', 'yes'] }] },
    };
    const text = objectToYaml(value);
    expect(parse(text)).toEqual(value);
    // Block style, as people read it; multi-line text as a literal block.
    expect(text).toContain('kind: ConfigMap\n');
    expect(text).toContain(`  k${TRICKY.indexOf('two\nlines')}: |-\n    two\n    lines\n`);
    expect(text).toContain('    - name: app\n');
  });

  describe("with kubectl's YAML parser (YAML 1.1)", () => {
    let rig: SimRig;
    beforeAll(async () => {
      rig = await startSimRig({ scenario: { name: 'yaml', nodes: [{ role: 'control-plane' }] } });
    });
    afterAll(async () => {
      await rig?.stop();
    });

    it.each(KUBECTL_EDGES)('kubectl %s reads every string back as written', async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const object = corpus();
      const file = join(rig.kubeconfigPath, '..', `tricky-${minor}.yaml`);
      await writeFile(file, objectToYaml(object));
      const read = await kubectl.run(['create', '--dry-run=client', '-o', 'json', '-f', file]);
      expect(read.stderr).toBe('');
      const parsed = JSON.parse(read.stdout);
      expect(parsed.data).toEqual(object.data);
      expect(parsed.metadata.annotations).toEqual(object.metadata.annotations);
    });
  });
});
