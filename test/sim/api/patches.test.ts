import { applyJsonPatch } from '../../../src/sim/registry/json-patch.js';
import { applyMergePatch } from '../../../src/sim/registry/merge-patch.js';
import { applyStrategicMergePatch } from '../../../src/sim/registry/strategic-merge.js';

const pod = {
  metadata: { name: 'p', finalizers: ['a'], ownerReferences: [{ uid: 'u1', name: 'rs-1' }] },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'app:1',
        env: [{ name: 'A', value: '1' }],
        ports: [{ containerPort: 80, name: 'http' }],
      },
      { name: 'sidecar', image: 'side:1' },
    ],
    tolerations: [{ key: 'x', operator: 'Exists' }],
    volumes: [{ name: 'data', emptyDir: {} }],
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
  },
};

describe('strategic merge patch', () => {
  it('merges containers by name, env by name and ports by containerPort', () => {
    const result = applyStrategicMergePatch(pod, {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:2',
            env: [{ name: 'B', value: '2' }],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
          },
        ],
      },
    }) as typeof pod;
    expect(result.spec.containers).toEqual([
      {
        name: 'app',
        image: 'app:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
      },
      { name: 'sidecar', image: 'side:1' },
    ]);
  });

  it('merges conditions by type and ownerReferences by uid; finalizers as a set', () => {
    const result = applyStrategicMergePatch(pod, {
      metadata: { finalizers: ['a', 'b'], ownerReferences: [{ uid: 'u2', name: 'rs-2' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    }) as typeof pod;
    expect(result.metadata.finalizers).toEqual(['a', 'b']);
    expect(result.metadata.ownerReferences.map((o) => o.uid)).toEqual(['u1', 'u2']);
    expect(result.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
  });

  it('replaces tolerations and taints whole, and null deletes a field', () => {
    const result = applyStrategicMergePatch(pod, {
      spec: { tolerations: [{ key: 'y', operator: 'Exists' }], volumes: null },
    }) as typeof pod;
    expect(result.spec.tolerations).toEqual([{ key: 'y', operator: 'Exists' }]);
    expect(result.spec).not.toHaveProperty('volumes');
  });

  it('honours $patch delete/replace, $deleteFromPrimitiveList, $retainKeys and $setElementOrder', () => {
    const result = applyStrategicMergePatch(pod, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        containers: [{ name: 'sidecar', $patch: 'delete' }],
        '$setElementOrder/volumes': [{ name: 'data' }],
        volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }],
      },
      status: { $patch: 'replace', phase: 'Running' },
    }) as typeof pod & { status: { phase?: string } };
    expect(result.metadata.finalizers).toEqual([]);
    expect(result.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect(result.spec.volumes).toEqual([{ name: 'data', hostPath: { path: '/x' } }]);
    expect(result.status).toEqual({ phase: 'Running' });
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('replaces lists and deletes nulls', () => {
    expect(applyMergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).toEqual({
      a: [3],
      b: { d: 2 },
    });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, replace, remove, move, copy and test', () => {
    const result = applyJsonPatch(
      { a: { b: 1 }, list: [1, 2] },
      [
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'replace', path: '/a/b', value: 2 },
        { op: 'copy', from: '/a', path: '/c' },
        { op: 'move', from: '/c/b', path: '/d' },
        { op: 'test', path: '/d', value: 2 },
        { op: 'remove', path: '/list/0' },
      ],
      'Thing',
      't',
    );
    expect(result).toEqual({ a: { b: 2 }, list: [2, 3], c: {}, d: 2 });
  });

  it('refuses an object body with 400 and a failed test with 422', () => {
    expect(() => applyJsonPatch({}, { a: 1 }, 'Node', 'n')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }], 'Node', 'n')).toThrow(
      expect.objectContaining({ code: 422 }),
    );
  });
});
