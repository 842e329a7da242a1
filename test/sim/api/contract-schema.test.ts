import { KUBECTL_EDGES, Kubectl } from '../../support/kubectl.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/**
 * Schemas (contract tests 100–106). CRD structural schemas: objects of a custom resource are pruned to what the schema
 * declares (unless `x-kubernetes-preserve-unknown-fields`), defaulted and validated with the API server's
 * texts, on create, update and patch alike; fieldValidation names the pruned fields. Built-in kinds:
 * `kubectl explain`, the decoder's typed errors and fieldValidation.
 */

let t: TestApi;
const kubectls = new Map<string, Kubectl>();

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [color]
              properties:
                color: { type: string, enum: [red, blue] }
                size: { type: integer, minimum: 1, maximum: 10, default: 3 }
                tags: { type: array, items: { type: string } }
                config: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

function widget(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec });
}

beforeAll(async () => {
  t = await startTestApi();
  for (const minor of KUBECTL_EDGES)
    kubectls.set(minor, await Kubectl.forKubeconfig(t.api.kubeconfig(), minor));
  const created = await t.kubectl.run(['apply', '-f', '-'], { input: CRD });
  expect(created.stderr).toBe('');
}, 60_000);

afterAll(async () => {
  for (const kubectl of kubectls.values()) await kubectl.dispose();
  await t?.close();
});

function kubectl(minor: string): Kubectl {
  const found = kubectls.get(minor);
  if (!found) throw new Error(`no kubectl ${minor}`);
  return found;
}

async function getWidget(name: string): Promise<{ spec: Record<string, unknown> }> {
  const result = await t.kubectl.run(['get', 'widget', name, '-n', 'default', '-o', 'json']);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { spec: Record<string, unknown> };
}

describe('CRD structural schemas', () => {
  it.each(KUBECTL_EDGES)(
    '100: kubectl %s: a wrong type, a missing required field, a value out of enum or range are Invalid',
    async (minor) => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [
          { color: 'red', size: 'big' },
          'spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
        ],
        [{ size: 2 }, 'spec.color: Required value'],
        [{ color: 'pink' }, 'spec.color: Unsupported value: "pink": supported values: "red", "blue"'],
        [
          { color: 'red', size: 11 },
          'spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10',
        ],
        [
          { color: 'red', tags: ['a', 2] },
          'spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"',
        ],
      ];
      for (const [index, [spec, cause]] of cases.entries()) {
        const name = `bad-${minor.replace('.', '-')}-${index}`;
        const result = await kubectl(minor).run(['create', '-n', 'default', '-f', '-'], {
          input: widget(name, spec),
        });
        expect(result.exitCode).not.toBe(0);
        expect(result.stderr.trim()).toBe(`The Widget "${name}" is invalid: ${cause}`);
      }
      const none = await t.kubectl.run(['get', 'widgets', '-n', 'default', '-o', 'name']);
      expect(none.stdout.trim()).toBe('');
    },
  );

  it('101: defaults are applied and undeclared fields pruned; what x-kubernetes-preserve-unknown-fields holds is kept', async () => {
    const created = await t.kubectl.run(['create', '-n', 'default', '--validate=false', '-f', '-'], {
      input: widget('pruned', { color: 'blue', extra: true, config: { anything: { goes: 1 } } }),
    });
    expect(created.stderr).toBe('');
    const stored = await getWidget('pruned');
    expect(stored.spec).toEqual({ color: 'blue', size: 3, config: { anything: { goes: 1 } } });
  });

  it.each(KUBECTL_EDGES)(
    '102: kubectl %s: fieldValidation Strict refuses an undeclared field, Warn warns, Ignore drops it',
    async (minor) => {
      const suffix = minor.replace('.', '-');
      const strict = await kubectl(minor).run(['create', '-n', 'default', '-f', '-'], {
        input: widget(`strict-${suffix}`, { color: 'red', extra: 1 }),
      });
      expect(strict.exitCode).not.toBe(0);
      expect(strict.stderr.trim()).toBe(
        'Error from server (BadRequest): error when creating "STDIN": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"',
      );
      const warn = await kubectl(minor).run(['create', '-n', 'default', '--validate=warn', '-f', '-'], {
        input: widget(`warn-${suffix}`, { color: 'red', extra: 1 }),
      });
      expect(warn.exitCode).toBe(0);
      expect(warn.stderr.trim()).toBe('Warning: unknown field "spec.extra"');
      expect((await getWidget(`warn-${suffix}`)).spec).toEqual({ color: 'red', size: 3 });
    },
  );

  it.each(KUBECTL_EDGES)('103: kubectl %s: a patch is checked like an update, and pruned', async (minor) => {
    const name = `patched-${minor.replace('.', '-')}`;
    expect(
      (
        await kubectl(minor).run(['create', '-n', 'default', '-f', '-'], {
          input: widget(name, { color: 'red' }),
        })
      ).stderr,
    ).toBe('');
    const wrong = await kubectl(minor).run([
      'patch',
      'widget',
      name,
      '-n',
      'default',
      '--type=merge',
      '-p',
      '{"spec":{"size":"big"}}',
    ]);
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr.trim()).toBe(
      `The Widget "${name}" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"`,
    );
    const fine = await kubectl(minor).run([
      'patch',
      'widget',
      name,
      '-n',
      'default',
      '--type=merge',
      '-p',
      '{"spec":{"size":5,"junk":"x"}}',
    ]);
    expect(fine.stderr).toBe('');
    expect((await getWidget(name)).spec).toEqual({ color: 'red', size: 5 });
  });
});

describe('built-in kinds', () => {
  it.each(KUBECTL_EDGES)('104: kubectl %s explain reads the served OpenAPI schemas', async (minor) => {
    const result = await kubectl(minor).run(['explain', 'deployment.spec.replicas']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/GROUP:\s+apps/);
    expect(result.stdout).toMatch(/FIELD:\s+replicas <integer>/);
    expect(result.stdout).toContain('Number of desired pods.');
    const pod = await kubectl(minor).run(['explain', 'pods.spec.containers.image']);
    expect(pod.stdout).toMatch(/FIELD:\s+image <string>/);
  });

  it.each(KUBECTL_EDGES)(
    "105: kubectl %s: a wrong JSON type gets the decoder's 400, before any validation",
    async (minor) => {
      const result = await kubectl(minor).run(['create', '-n', 'default', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: `typed-${minor.replace('.', '-')}` },
          spec: {
            replicas: 'three',
            selector: { matchLabels: { app: 'x' } },
            template: {
              metadata: { labels: { app: 'x' } },
              spec: { containers: [{ name: 'c', image: 'x' }] },
            },
          },
        }),
      });
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr.trim()).toBe(
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
      );
    },
  );

  it.each(KUBECTL_EDGES)(
    '106: kubectl %s: an unknown field of a built-in kind is refused (Strict), warned about (Warn), dropped (Ignore)',
    async (minor) => {
      const suffix = minor.replace('.', '-');
      const body = (name: string) =>
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name },
          data: { a: 'b' },
          extra: 1,
        });
      const strict = await kubectl(minor).run(['create', '-n', 'default', '-f', '-'], {
        input: body(`s-${suffix}`),
      });
      expect(strict.stderr.trim()).toBe(
        'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "extra"',
      );
      const warn = await kubectl(minor).run(['create', '-n', 'default', '--validate=warn', '-f', '-'], {
        input: body(`w-${suffix}`),
      });
      expect(warn.stderr.trim()).toBe('Warning: unknown field "extra"');
      const ignore = await kubectl(minor).run(['create', '-n', 'default', '--validate=false', '-f', '-'], {
        input: body(`i-${suffix}`),
      });
      expect(ignore.stderr).toBe('');
      const stored = await t.kubectl.run(['get', 'cm', `i-${suffix}`, '-n', 'default', '-o', 'json']);
      expect(JSON.parse(stored.stdout)).not.toHaveProperty('extra');
    },
  );
});
