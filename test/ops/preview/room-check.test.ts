import { checkRoom } from '../../../src/ops/preview/room-check.js';
import type { NodeCapacity } from '../../../src/ports/node-capacity.js';
import type { NodeSelectorTerm, PodSummary } from '../../../src/ports/pod-inventory.js';

const GiB = 2 ** 30;

function node(name: string, extra: Partial<NodeCapacity> = {}): NodeCapacity {
  return {
    name,
    labels: { 'kubernetes.io/hostname': name },
    unschedulable: false,
    ready: true,
    taints: [],
    allocatable: { cpuMillis: 4000, memoryBytes: 8 * GiB, pods: 110 },
    ...extra,
  };
}

const controlPlane = node('control-plane-1', {
  taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
});

let seq = 0;
function pod(name: string, extra: Partial<PodSummary> = {}): PodSummary {
  seq += 1;
  return {
    namespace: 'shop',
    name,
    uid: `uid-${seq}`,
    nodeName: 'worker-1',
    phase: 'Running',
    ready: true,
    labels: {},
    mirror: false,
    controller: { kind: 'ReplicaSet', name: 'web-5d9c7b', uid: 'rs-1' },
    emptyDirVolumes: [],
    terminationGracePeriodSeconds: 30,
    requests: { cpuMillis: 800, memoryBytes: GiB },
    tolerations: [],
    nodeSelector: {},
    createdAt: 0,
    ...extra,
  };
}

/** A pod that fills `cpuMillis` of `nodeName`, so the node has only the rest left. */
const filler = (nodeName: string, cpuMillis: number) =>
  pod(`filler-${nodeName}`, { nodeName, requests: { cpuMillis, memoryBytes: GiB } });

const drainingWorker1 = new Set(['worker-1']);

describe('checkRoom', () => {
  it('counts free capacity only on nodes the pods may be scheduled on, and names the pod that does not fit', () => {
    const web = pod('web-5d9c7b-aaaaa');
    const nodes = [
      controlPlane,
      node('worker-1'),
      node('worker-2', { unschedulable: true }),
      node('worker-3', { ready: false }),
      node('gpu-1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }),
      node('worker-4'),
    ];
    const room = checkRoom([web], [web, filler('worker-4', 3500)], nodes, drainingWorker1);

    // Only worker-4 may take the pod, and it has 0.5 CPU left: the tainted, cordoned and NotReady nodes'
    // 16 idle CPUs are no room for it.
    expect(room).toEqual({
      fits: false,
      pods: 1,
      nodes: ['worker-4'],
      requested: { cpuMillis: 800, memoryBytes: GiB },
      free: { cpuMillis: 500, memoryBytes: 7 * GiB },
      unplaced: ['shop/web-5d9c7b-aaaaa'],
      stranded: [],
    });
  });

  it("honours the pod's nodeSelector: a node without the label is no room, however idle", () => {
    const web = pod('web-5d9c7b-aaaaa', { nodeSelector: { disk: 'ssd' } });
    const nodes = [
      node('worker-1', { labels: { disk: 'ssd' } }),
      node('worker-2', { labels: { disk: 'ssd' } }),
      node('worker-3', { labels: { disk: 'hdd' } }),
      node('worker-4'),
    ];
    const room = checkRoom([web], [web, filler('worker-2', 3500)], nodes, drainingWorker1);
    expect(room).toMatchObject({
      fits: false,
      nodes: ['worker-2'],
      free: { cpuMillis: 500 },
      unplaced: ['shop/web-5d9c7b-aaaaa'],
    });
  });

  /** a-node and b-node carry an integer label for Gt and Lt; c-node and unlabelled do not. */
  const GENERATIONS: Record<string, Record<string, string>> = { a: { gen: '4' }, b: { gen: '5' } };
  const zoned = (zone: string, extra: Partial<NodeCapacity> = {}) =>
    node(`${zone}-node`, {
      labels: { 'kubernetes.io/hostname': `${zone}-node`, zone, ...GENERATIONS[zone] },
      ...extra,
    });
  const zones = [zoned('a'), zoned('b'), zoned('c'), node('unlabelled')];

  it.each<[string, NodeSelectorTerm[], string[]]>([
    [
      'In',
      [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
      ['a-node', 'b-node'],
    ],
    [
      'NotIn (a node without the label matches)',
      [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }],
      ['b-node', 'c-node', 'unlabelled'],
    ],
    ['Exists', [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }], ['a-node', 'b-node', 'c-node']],
    ['DoesNotExist', [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }], ['unlabelled']],
    [
      'Gt (the bound itself and no label do not match)',
      [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }],
      ['b-node'],
    ],
    [
      'Lt (the bound itself and no label do not match)',
      [{ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['5'] }] }],
      ['a-node'],
    ],
    [
      'Gt against a label that is no integer',
      [{ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['0'] }] }],
      [],
    ],
    [
      'matchFields on metadata.name',
      [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c-node'] }] }],
      ['c-node'],
    ],
    [
      'expressions of a term ANDed',
      [
        {
          matchExpressions: [
            { key: 'zone', operator: 'Exists' },
            { key: 'zone', operator: 'NotIn', values: ['a'] },
          ],
        },
      ],
      ['b-node', 'c-node'],
    ],
    [
      'terms ORed',
      [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['unlabelled'] }] },
      ],
      ['a-node', 'unlabelled'],
    ],
    ['an empty term (selects nothing)', [{}], []],
  ])('honours required node affinity: %s', (_case, terms, expected) => {
    const web = pod('web-5d9c7b-aaaaa', { requiredNodeAffinity: terms });
    const room = checkRoom([web], [web], zones, new Set());
    expect(room.nodes).toEqual(expected);
    expect(room.fits).toBe(expected.length > 0);
  });

  it('says why no node may take the pods, counting the nodes by reason, and counts no room', () => {
    const pods = [pod('web-5d9c7b-aaaaa'), pod('web-5d9c7b-bbbbb')];
    const nodes = [
      controlPlane,
      node('worker-1', { unschedulable: true }),
      node('worker-2', { unschedulable: true }),
      node('worker-3', { unschedulable: true }),
      node('worker-4', { ready: false }),
    ];
    const room = checkRoom(pods, pods, nodes, drainingWorker1);
    expect(room).toEqual({
      fits: false,
      pods: 2,
      nodes: [],
      requested: { cpuMillis: 0, memoryBytes: 0 },
      free: { cpuMillis: 0, memoryBytes: 0 },
      unplaced: [],
      stranded: [
        {
          pods: ['shop/web-5d9c7b-aaaaa', 'shop/web-5d9c7b-bbbbb'],
          excluded: [
            { exclusion: { reason: 'being-drained' }, nodes: ['worker-1'] },
            { exclusion: { reason: 'cordoned' }, nodes: ['worker-2', 'worker-3'] },
            { exclusion: { reason: 'not-ready' }, nodes: ['worker-4'] },
            {
              exclusion: { reason: 'tainted', taint: 'node-role.kubernetes.io/control-plane' },
              nodes: ['control-plane-1'],
            },
          ],
        },
      ],
    });
  });

  it('places each pod only where it may go, and counts free capacity over the nodes at least one may use', () => {
    const inA = pod('api-7f9-aaaaa', {
      nodeSelector: { zone: 'a' },
      requests: { cpuMillis: 1500, memoryBytes: GiB },
    });
    const inB = pod('web-5d9c7b-bbbbb', { nodeSelector: { zone: 'b' } });
    const nowhere = pod('db-0', {
      controller: { kind: 'StatefulSet', name: 'db', uid: 'ss-1' },
      requiredNodeAffinity: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }],
    });
    const nodes = [zoned('a'), zoned('b'), zoned('c'), node('worker-1')];
    const room = checkRoom(
      [inA, inB, nowhere],
      [inA, inB, nowhere, filler('a-node', 3000)],
      nodes,
      drainingWorker1,
    );
    // a-node has 1 CPU left and b-node 4: api cannot go to b-node, and c-node (idle) is no one's room.
    expect(room).toEqual({
      fits: false,
      pods: 3,
      nodes: ['a-node', 'b-node'],
      requested: { cpuMillis: 2300, memoryBytes: 2 * GiB },
      free: { cpuMillis: 5000, memoryBytes: 15 * GiB },
      unplaced: ['shop/api-7f9-aaaaa'],
      stranded: [
        {
          pods: ['shop/db-0'],
          excluded: [
            { exclusion: { reason: 'being-drained' }, nodes: ['worker-1'] },
            { exclusion: { reason: 'no-match' }, nodes: ['a-node', 'b-node', 'c-node'] },
          ],
        },
      ],
    });
  });

  it('lets a pod that tolerates the unschedulable taint use a cordoned node, as kube-scheduler does', () => {
    const tolerant = pod('web-5d9c7b-aaaaa', {
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    });
    const nodes = [
      node('worker-1'),
      node('worker-2', {
        unschedulable: true,
        taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
      }),
    ];
    expect(checkRoom([tolerant], [tolerant], nodes, drainingWorker1)).toMatchObject({
      fits: true,
      nodes: ['worker-2'],
    });
  });
});
