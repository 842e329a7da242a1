import { podRequests } from '../../../src/sim/controllers/pods.js';
import { fitPod, type NodeUsage } from '../../../src/sim/controllers/scheduler-fit.js';
import type { KubeObject } from '../../../src/sim/types.js';

function node(name: string, spec: Record<string, unknown> = {}, cpu = '4'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec,
    status: { allocatable: { cpu, memory: '8Gi', pods: '110' } },
  };
}

function pod(cpu: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-abcde', namespace: 'shop' },
    spec: { containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu } } }], ...spec },
  };
}

function usage(n: KubeObject, cpuUsed = 0, siblings = 0): NodeUsage {
  return { node: n, requested: { cpu: cpuUsed, memory: 0, pods: 0 }, siblings };
}

const controlPlaneTaint = {
  taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
};

describe('fitPod', () => {
  it('keeps ordinary pods off control-plane and cordoned nodes', () => {
    const p = pod('100m');
    const result = fitPod(p, podRequests(p), [
      usage(node('control-plane-1', controlPlaneTaint)),
      usage(node('worker-1', { unschedulable: true })),
      usage(node('worker-2')),
    ]);
    expect(result).toEqual({ fits: true, node: 'worker-2' });
  });

  it("explains a failure with kube-scheduler's message", () => {
    const p = pod('3');
    const result = fitPod(p, podRequests(p), [
      usage(node('control-plane-1', controlPlaneTaint)),
      usage(node('worker-1', { unschedulable: true })),
      usage(node('worker-2'), 2),
      usage(node('worker-3'), 3),
    ]);
    expect(result).toEqual({
      fits: false,
      message:
        '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ' +
        '1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/4 nodes are available: ' +
        '2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    });
  });

  it('says preemption cannot help when the pod is larger than any node', () => {
    const p = pod('64');
    const result = fitPod(p, podRequests(p), [usage(node('worker-1'))]);
    expect(result).toEqual({
      fits: false,
      message:
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    });
  });

  it('lets a pod that tolerates the unschedulable taint onto a cordoned node', () => {
    const p = pod('100m', {
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(fitPod(p, podRequests(p), [usage(node('worker-1', { unschedulable: true }))])).toEqual({
      fits: true,
      node: 'worker-1',
    });
  });

  it('keeps pods off NotReady nodes through their taints', () => {
    const p = pod('100m');
    const notReady = node('worker-1', {
      taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }],
    });
    const result = fitPod(p, podRequests(p), [usage(notReady)]);
    expect(result.fits).toBe(false);
    expect(result.fits === false && result.message).toContain(
      '1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
    );
  });

  it('honours nodeSelector', () => {
    const p = pod('100m', { nodeSelector: { 'kubernetes.io/hostname': 'worker-3' } });
    const result = fitPod(p, podRequests(p), [usage(node('worker-1')), usage(node('worker-3'))]);
    expect(result).toEqual({ fits: true, node: 'worker-3' });
    const nowhere = fitPod(p, podRequests(p), [usage(node('worker-1'))]);
    expect(nowhere.fits === false && nowhere.message).toBe(
      "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
  });

  it('spreads replicas of one owner before filling the emptiest node', () => {
    const p = pod('100m');
    const result = fitPod(p, podRequests(p), [
      usage(node('worker-1'), 0, 2),
      usage(node('worker-2'), 3, 0),
      usage(node('worker-3'), 1, 1),
    ]);
    expect(result).toEqual({ fits: true, node: 'worker-2' });
  });

  it('counts pods against allocatable pods', () => {
    const p = pod('0');
    const full: NodeUsage = {
      node: node('worker-1'),
      requested: { cpu: 0, memory: 0, pods: 110 },
      siblings: 0,
    };
    const result = fitPod(p, podRequests(p), [full]);
    expect(result.fits === false && result.message).toMatch(/^0\/1 nodes are available: 1 Too many pods\./);
  });
});
