import { ParkedError } from '../../../src/ops/errors.js';
import { maintainNode } from '../../../src/ops/maintain/maintain-node.js';
import type { MaintainState } from '../../../src/ops/maintain/maintain-state.js';
import type { OperatorDecision } from '../../../src/ports/operator-decisions.js';
import { drainRig, web } from '../fakes/drain-rig.js';

const never = new AbortController().signal;
const drain = { timeoutSeconds: 600, force: false, deleteEmptyDirData: false, ignoreDaemonSets: true };

describe('maintainNode', () => {
  it('drains, waits for "maintenance done" and for Ready, uncordons, and says where the pods went', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 3, graceSeconds: 2 }), ['worker-1', 'worker-1', 'worker-2']);
    const original = (await ports.pods.listPods({ node: 'worker-2' }))[0]?.name;
    // The workload ran for a while before the maintenance.
    await clock.advance(10 * 60_000);
    const queue: OperatorDecision[] = [];
    const seen: string[] = [];

    const report = await clock.run(
      maintainNode(
        ports,
        { node: 'worker-1', drain },
        {
          signal: never,
          decisions: { take: async () => queue.splice(0) },
          listener: {
            readyForMaintenance: () => {
              seen.push('ready-for-maintenance');
              expect(cluster.node('worker-1')?.unschedulable).toBe(true);
              cluster.setNodeReady('worker-1', false);
              clock.sleep(5 * 60_000).then(
                () => queue.push({ kind: 'maintenance-done', by: 'UALICE' }),
                () => undefined,
              );
              clock.sleep(7 * 60_000).then(
                () => cluster.setNodeReady('worker-1', true),
                () => undefined,
              );
            },
            maintenanceDone: () => void seen.push('maintenance-done'),
          },
        },
      ),
    );

    expect(seen).toEqual(['ready-for-maintenance', 'maintenance-done']);
    expect(report.state).toMatchObject({ phase: 'done', doneBy: 'UALICE' });
    expect((report.state.readyAt ?? 0) - (report.state.doneAt ?? 0)).toBeGreaterThanOrEqual(2 * 60_000);
    expect(cluster.node('worker-1')?.unschedulable).toBe(false);
    // The two pods that left worker-1 were replaced elsewhere, Ready; the one on worker-2 is not counted.
    expect(original).toBeDefined();
    expect(report.replacements).toHaveLength(1);
    const [web1] = report.replacements;
    expect(web1).toMatchObject({ namespace: 'shop', owner: 'ReplicaSet/web', evicted: 2 });
    expect(web1?.replacements).toHaveLength(2);
    for (const r of web1?.replacements ?? []) {
      expect(r).toMatchObject({ ready: true, phase: 'Running' });
      expect(['worker-2', 'worker-3']).toContain(r.node);
      expect(r.name).not.toBe(original);
    }
  });

  it('resumes while waiting for the button without draining again', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 1 }), ['worker-2']);
    const saved: MaintainState[] = [];
    const resume: MaintainState = {
      v: 1,
      node: 'worker-1',
      phase: 'awaiting-maintenance',
      startedAt: clock.now(),
      announcedAt: clock.now(),
    };
    await cluster.setUnschedulable('worker-1', true);

    const report = await clock.run(
      maintainNode(
        ports,
        { node: 'worker-1', drain },
        {
          signal: never,
          resume,
          decisions: { take: async () => [{ kind: 'maintenance-done', by: 'UBOB' }] },
          checkpoint: { save: async (s) => void saved.push(s) },
        },
      ),
    );

    expect(report.state.phase).toBe('done');
    expect(saved.map((s) => s.phase)).toEqual(['waiting-ready', 'done']);
    expect(cluster.evictionRequests.size).toBe(0);
  });

  it('stops with the node cordoned when the drain cannot finish', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addPod({ namespace: 'default', name: 'debug', nodeName: 'worker-1' });

    const report = await clock.run(maintainNode(ports, { node: 'worker-1', drain }, { signal: never }));

    expect(report.state).toMatchObject({ phase: 'stopped', stoppedBecause: 'the drain ended refused' });
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);
  });

  it('parks while nobody has said "maintenance done" yet, until the deadline, with its state saved', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 1 }), ['worker-2']);
    const saved: MaintainState[] = [];
    const run = maintainNode(
      ports,
      { node: 'worker-1', drain, maintenanceTimeoutMs: 3_600_000 },
      {
        signal: never,
        park: true,
        decisions: { take: async () => [] },
        checkpoint: { save: async (s) => void saved.push(s) },
      },
    );
    const parked = await clock.run(run).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(parked).toBeInstanceOf(ParkedError);
    const announced = saved.at(-1);
    expect(announced).toMatchObject({ phase: 'awaiting-maintenance' });
    expect((parked as ParkedError).until).toBe((announced?.announcedAt ?? 0) + 3_600_000);
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);
  });

  it('gives up after the deadline with nobody saying "maintenance done", the node left cordoned', async () => {
    const { clock, cluster, ports } = drainRig();
    await cluster.setUnschedulable('worker-1', true);
    const resume: MaintainState = {
      v: 1,
      node: 'worker-1',
      phase: 'awaiting-maintenance',
      startedAt: clock.now() - 25 * 3_600_000,
      announcedAt: clock.now() - 24 * 3_600_000,
    };
    const report = await clock.run(
      maintainNode(
        ports,
        { node: 'worker-1', drain },
        { signal: never, park: true, resume, decisions: { take: async () => [] } },
      ),
    );
    expect(report.state).toMatchObject({
      phase: 'stopped',
      stoppedBecause: 'nobody said maintenance was done within 24 h; the node stays cordoned',
    });
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);
  });
});
