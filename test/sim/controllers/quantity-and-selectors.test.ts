import { parseQuantity } from '../../../src/shared/quantity.js';
import { selectorMatches } from '../../../src/sim/controllers/label-selector.js';
import { podMatchesNode } from '../../../src/sim/controllers/node-affinity.js';
import { toleratesTaint } from '../../../src/sim/controllers/tolerations.js';
import type { KubeObject } from '../../../src/sim/types.js';

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['2', 2],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['2G', 2e9],
    ['1e3', 1000],
    ['32869504Ki', 32869504 * 1024],
  ])('reads %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it('rejects what Kubernetes rejects', () => {
    expect(parseQuantity('ten')).toBeUndefined();
    expect(parseQuantity('5 Gi')).toBeUndefined();
    expect(parseQuantity('1Xi')).toBeUndefined();
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'web', tier: 'front' };
  it('matches everything with an empty selector and nothing with a null one', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(null, labels)).toBe(false);
    expect(selectorMatches(undefined, labels)).toBe(false);
  });

  it('applies matchLabels and every matchExpressions operator', () => {
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, labels),
    ).toBe(true);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels),
    ).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(
      true,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, labels)).toBe(false);
  });
});

describe('toleratesTaint', () => {
  const controlPlane = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
  it('follows v1.Toleration semantics', () => {
    expect(toleratesTaint({ operator: 'Exists' }, controlPlane)).toBe(true);
    expect(
      toleratesTaint({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }, controlPlane),
    ).toBe(true);
    expect(
      toleratesTaint({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoExecute' }, controlPlane),
    ).toBe(false);
    expect(
      toleratesTaint(
        { key: 'dedicated', operator: 'Equal', value: 'db' },
        { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
      ),
    ).toBe(true);
    expect(
      toleratesTaint(
        { key: 'dedicated', operator: 'Equal', value: 'web' },
        { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
      ),
    ).toBe(false);
  });
});

describe('podMatchesNode', () => {
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'worker-2',
      labels: { 'kubernetes.io/hostname': 'worker-2', disk: 'ssd', cores: '16' },
    },
  };
  const pod = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec,
  });
  const terms = (...nodeSelectorTerms: unknown[]) => ({
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
  });

  it('needs every nodeSelector label', () => {
    expect(podMatchesNode(pod({ nodeSelector: { disk: 'ssd' } }), node)).toBe(true);
    expect(podMatchesNode(pod({ nodeSelector: { disk: 'hdd' } }), node)).toBe(false);
  });

  it('needs one matching required affinity term', () => {
    const onWorker2 = terms({
      matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-2'] }],
    });
    const onWorker3 = terms({
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['worker-3'] }],
    });
    expect(podMatchesNode(pod(onWorker2), node)).toBe(true);
    expect(podMatchesNode(pod(onWorker3), node)).toBe(false);
    expect(
      podMatchesNode(
        pod(terms({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] })),
        node,
      ),
    ).toBe(true);
    expect(podMatchesNode(pod(terms({})), node)).toBe(false);
  });
});
