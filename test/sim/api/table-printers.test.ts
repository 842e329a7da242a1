import { BUILTIN_RESOURCES } from '../../../src/sim/catalog/builtin-resources.js';
import { humanDuration } from '../../../src/sim/http/table/human-duration.js';
import { toTable } from '../../../src/sim/http/table/table-convertor.js';
import type { KubeObject, ResourceInfo } from '../../../src/sim/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const info = (resource: string): ResourceInfo => {
  const found = BUILTIN_RESOURCES.find((r) => r.resource === resource);
  if (!found) throw new Error(resource);
  return found;
};
const cells = (resource: string, object: KubeObject) =>
  toTable(info(resource), [object], NOW, { includeObject: 'None' }).rows[0]?.cells;

function pod(status: Record<string, unknown>, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', creationTimestamp: '2026-01-01T11:00:00Z', ...extra },
    spec: { nodeName: 'w1', containers: [{ name: 'a' }, { name: 'b' }] },
    status,
  };
}

describe('human durations as kubectl prints ages', () => {
  it.each([
    [0, '0s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [200_000, '3m20s'],
    [60 * 60_000, '60m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86_400_000 + 4 * 3600_000, '3d4h'],
    [30 * 86_400_000, '30d'],
    [(365 * 2 + 10) * 86_400_000, '2y10d'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('pod Status column', () => {
  it('shows ContainerCreating while a container waits for it', () => {
    const row = cells(
      'pods',
      pod({
        phase: 'Pending',
        containerStatuses: [
          { name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
          { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      }),
    );
    expect(row?.slice(0, 5)).toEqual(['p', '0/2', 'ContainerCreating', 0, '60m']);
  });

  it('shows Terminating once deletionTimestamp is set, and counts restarts', () => {
    const row = cells(
      'pods',
      pod(
        {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 2, state: { running: {} } },
            { name: 'b', ready: true, restartCount: 1, state: { running: {} } },
          ],
        },
        { deletionTimestamp: '2026-01-01T12:00:30Z' },
      ),
    );
    expect(row?.slice(0, 4)).toEqual(['p', '2/2', 'Terminating', 3]);
  });

  it('shows CrashLoopBackOff and Completed from container states', () => {
    expect(
      cells(
        'pods',
        pod({
          phase: 'Running',
          containerStatuses: [{ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        }),
      )?.[2],
    ).toBe('CrashLoopBackOff');
    expect(
      cells(
        'pods',
        pod({
          phase: 'Succeeded',
          containerStatuses: [{ name: 'a', state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
        }),
      )?.[2],
    ).toBe('Completed');
  });
});

describe('workload columns', () => {
  it('prints deployments as READY UP-TO-DATE AVAILABLE AGE', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: '2026-01-01T11:00:00Z' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ name: 'c', image: 'i:1' }] } },
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    expect(cells('deployments', deployment)).toEqual(['web', '2/3', 3, 2, '60m', 'c', 'i:1', 'app=web']);
  });

  it('prints PDBs with N/A for the unset bound', () => {
    const pdb: KubeObject = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web-pdb', creationTimestamp: '2026-01-01T11:59:00Z' },
      spec: { minAvailable: 2 },
      status: { disruptionsAllowed: 1 },
    };
    expect(cells('poddisruptionbudgets', pdb)).toEqual(['web-pdb', '2', 'N/A', 1, '60s']);
  });
});
