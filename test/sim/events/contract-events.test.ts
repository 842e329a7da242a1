import { type CoreV1Event, EventsV1Api, type EventsV1Event } from '@kubernetes/client-node';
import type { ScenarioInput } from '../../../src/sim/index.js';
import { KUBECTL_EDGES } from '../../support/kubectl.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

const scenario: ScenarioInput = {
  name: 'events',
  nodes: [{ role: 'control-plane' }, { role: 'worker', count: 2, capacity: { cpu: '4', memory: '8Gi' } }],
  namespaces: ['shop'],
  workloads: [{ kind: 'Deployment', name: 'web', namespace: 'shop', replicas: 1, image: 'nginx:1.27.3' }],
};

let rig: SimRig;
let events: EventsV1Api;
beforeAll(async () => {
  rig = await startSimRig({ scenario });
  events = rig.kubeConfig.makeApiClient(EventsV1Api);
});
afterAll(async () => {
  await rig?.stop();
});

/** The core Events about one object, through the field selector kubectl describe sends. */
async function eventsAbout(namespace: string, kind: string, name: string): Promise<CoreV1Event[]> {
  const list = await rig.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
  });
  return list.items;
}

function eventWith(
  found: CoreV1Event[],
  reason: string,
  match: (event: CoreV1Event) => boolean = () => true,
): CoreV1Event | undefined {
  return found.find((event) => event.reason === reason && match(event));
}

/** The Events section of `kubectl describe` as rows of (type, reason, from, message), Age left out. */
function describedEvents(output: string): string[][] {
  const section = output.slice(output.indexOf('\nEvents:'));
  return section
    .split('\n')
    .slice(3)
    .filter((line) => /^ {2}(Normal|Warning) /.test(line))
    .map((line) => {
      const [type = '', reason = '', , from = '', ...message] = line.trim().split(/\s{2,}/);
      return [type, reason, from, message.join('  ')];
    });
}

describe('events', () => {
  it('60: a new pod gets Scheduled, Pulling, Pulled, Created, Started; kubectl describe pod lists them (1.27, 1.33)', async () => {
    await rig.core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: 'probe' },
        spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], terminationGracePeriodSeconds: 1 },
      },
    });
    const found = await eventually(
      'the pod to have started',
      async () => {
        const list = await eventsAbout('shop', 'Pod', 'probe');
        return eventWith(list, 'Started') ? list : undefined;
      },
      10_000,
    );
    const pod = await rig.core.readNamespacedPod({ namespace: 'shop', name: 'probe' });
    const node = pod.spec?.nodeName ?? '';
    const scheduled = eventWith(found, 'Scheduled');
    expect(scheduled).toMatchObject({
      type: 'Normal',
      message: `Successfully assigned shop/probe to ${node}`,
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-control-plane-1',
      action: 'Binding',
      involvedObject: {
        kind: 'Pod',
        namespace: 'shop',
        name: 'probe',
        uid: pod.metadata?.uid,
        apiVersion: 'v1',
      },
    });
    const kubelet = (reason: string) => eventWith(found, reason);
    expect(kubelet('Pulling')).toMatchObject({
      type: 'Normal',
      message: 'Pulling image "busybox:1.36"',
      source: { component: 'kubelet', host: node },
      involvedObject: { fieldPath: 'spec.containers{app}' },
      count: 1,
    });
    expect(kubelet('Pulled')?.message).toMatch(
      /^Successfully pulled image "busybox:1\.36" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/,
    );
    expect(kubelet('Created')?.message).toBe('Created container: app');
    expect(kubelet('Started')?.message).toBe('Started container app');
    expect(scheduled?.metadata?.name).toMatch(/^probe\.[0-9a-f]+$/);

    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      const described = await kubectl.run(['describe', 'pod', 'probe', '-n', 'shop']);
      expect(described.stderr).toBe('');
      const rows = describedEvents(described.stdout);
      expect(rows).toContainEqual([
        'Normal',
        'Scheduled',
        'default-scheduler',
        `Successfully assigned shop/probe to ${node}`,
      ]);
      expect(rows).toContainEqual(['Normal', 'Pulling', `kubelet`, 'Pulling image "busybox:1.36"']);
      expect(rows).toContainEqual(['Normal', 'Started', 'kubelet', 'Started container app']);
      const listed = await kubectl.run([
        'get',
        'events',
        '-n',
        'shop',
        '--field-selector',
        'involvedObject.name=probe,reason=Started',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
      expect(listed.stdout).toBe('Started container app');
    }

    // Deleted: the kubelet stops the container.
    await rig.core.deleteNamespacedPod({ namespace: 'shop', name: 'probe' });
    const killing = await eventually('a Killing event', async () =>
      eventWith(await eventsAbout('shop', 'Pod', 'probe'), 'Killing'),
    );
    expect(killing.message).toBe('Stopping container app');
    expect(killing.involvedObject.fieldPath).toBe('spec.containers{app}');
  });

  it('61: an unschedulable pod gets FailedScheduling with the FitError text; a repeat is a series (events.k8s.io/v1), kubectl describe shows it', async () => {
    await rig.core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: 'huge' },
        spec: {
          containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu: '64' } } }],
        },
      },
    });
    const message =
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    const failed = await eventually('FailedScheduling', async () =>
      eventWith(await eventsAbout('shop', 'Pod', 'huge'), 'FailedScheduling'),
    );
    expect(failed).toMatchObject({
      type: 'Warning',
      message,
      reportingComponent: 'default-scheduler',
      action: 'Scheduling',
    });
    const pod = await rig.core.readNamespacedPod({ namespace: 'shop', name: 'huge' });
    expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toBe(message);

    // Any node change makes the scheduler try again: the same failure becomes a series, not a new Event.
    const series = await eventually(
      'a FailedScheduling series',
      async () => {
        await rig.core.patchNode({
          name: 'worker-1',
          body: [{ op: 'add', path: '/metadata/labels/touched', value: String(Date.now()) }],
        });
        const list = await events.listNamespacedEvent({
          namespace: 'shop',
          fieldSelector: 'involvedObject.name=huge,reason=FailedScheduling',
        });
        return list.items.find((event: EventsV1Event) => (event.series?.count ?? 0) >= 2);
      },
      10_000,
    );
    expect(series).toMatchObject({
      note: message,
      reason: 'FailedScheduling',
      action: 'Scheduling',
      reportingController: 'default-scheduler',
      regarding: { kind: 'Pod', name: 'huge', namespace: 'shop' },
      series: { count: 2 },
    });
    expect(series.series?.lastObservedTime).toBeDefined();
    expect(series.deprecatedCount).toBeUndefined();

    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      const described = await kubectl.run(['describe', 'pod', 'huge', '-n', 'shop']);
      expect(describedEvents(described.stdout)).toContainEqual([
        'Warning',
        'FailedScheduling',
        'default-scheduler',
        message,
      ]);
    }
    await rig.core.deleteNamespacedPod({ namespace: 'shop', name: 'huge' });
  });

  it('62: the same event again is one Event with count 2 (kubelet NodeNotSchedulable on cordon, uncordon, cordon); kubectl describe node shows it', async () => {
    const cordon = (unschedulable: boolean) =>
      rig.core.patchNode({
        name: 'worker-2',
        body: [{ op: 'add', path: '/spec/unschedulable', value: unschedulable }],
      });
    const about = () => eventsAbout('default', 'Node', 'worker-2');
    await cordon(true);
    await eventually('NodeNotSchedulable', async () => eventWith(await about(), 'NodeNotSchedulable'));
    await cordon(false);
    await eventually('NodeSchedulable', async () => eventWith(await about(), 'NodeSchedulable'));
    await cordon(true);
    const twice = await eventually('NodeNotSchedulable count 2', async () =>
      eventWith(await about(), 'NodeNotSchedulable', (event) => event.count === 2),
    );
    expect(twice).toMatchObject({
      type: 'Normal',
      message: 'Node worker-2 status is now: NodeNotSchedulable',
      source: { component: 'kubelet', host: 'worker-2' },
      involvedObject: { kind: 'Node', name: 'worker-2', uid: 'worker-2' },
    });
    expect(new Date(twice.lastTimestamp ?? 0).getTime()).toBeGreaterThanOrEqual(
      new Date(twice.firstTimestamp ?? 0).getTime(),
    );
    const all = (await about()).filter((event) => event.reason === 'NodeNotSchedulable');
    expect(all).toHaveLength(1);
    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      const described = await kubectl.run(['describe', 'node', 'worker-2']);
      expect(describedEvents(described.stdout)).toContainEqual([
        'Normal',
        'NodeNotSchedulable',
        'kubelet',
        'Node worker-2 status is now: NodeNotSchedulable',
      ]);
      expect(described.stdout).toMatch(/NodeNotSchedulable\s+\S+ \(x2 over \S+\)\s+kubelet/);
    }
    await cordon(false);
  });

  it('63: one Event served under v1 and events.k8s.io/v1 with the conversion (note/message, regarding/involvedObject, deprecated*)', async () => {
    // client-node writes Date with milliseconds, which a MicroTime refuses: the body goes through kubectl.
    const newest = await rig.kubectl(KUBECTL_EDGES[1]);
    const manual = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'manual.1', namespace: 'shop' },
      eventTime: '2026-01-02T03:04:05.123456Z',
      reportingController: 'example.com/tool',
      reportingInstance: 'tool-1',
      action: 'Check',
      reason: 'Checked',
      note: 'all good',
      type: 'Normal',
      regarding: { kind: 'Deployment', namespace: 'shop', name: 'web', apiVersion: 'apps/v1' },
    };
    const made = await newest.run(['create', '-f', '-', '-o', 'json'], { input: JSON.stringify(manual) });
    expect(made.stderr).toBe('');
    const created = JSON.parse(made.stdout) as EventsV1Event;
    expect(created.note).toBe('all good');
    const core = await rig.core.readNamespacedEvent({ namespace: 'shop', name: 'manual.1' });
    expect(core).toMatchObject({
      apiVersion: 'v1',
      message: 'all good',
      reportingComponent: 'example.com/tool',
      reportingInstance: 'tool-1',
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'shop' },
    });
    expect(core.metadata.resourceVersion).toBe(created.metadata?.resourceVersion);

    await rig.core.createNamespacedEvent({
      namespace: 'shop',
      body: {
        metadata: { name: 'legacy.1' },
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'x' },
        reason: 'Old',
        message: 'from core',
        source: { component: 'old-tool', host: 'h' },
        count: 3,
        firstTimestamp: new Date('2026-01-02T03:04:05Z'),
        lastTimestamp: new Date('2026-01-02T03:05:05Z'),
        type: 'Warning',
      },
    });
    const viewed = await events.readNamespacedEvent({ namespace: 'shop', name: 'legacy.1' });
    expect(viewed).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      note: 'from core',
      regarding: { kind: 'Pod', name: 'x' },
      deprecatedSource: { component: 'old-tool', host: 'h' },
      deprecatedCount: 3,
    });
    expect(viewed.deprecatedLastTimestamp?.toISOString()).toBe('2026-01-02T03:05:05.000Z');
    expect((viewed as unknown as Record<string, unknown>).message).toBeUndefined();

    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      const got = await kubectl.run([
        'get',
        'events.v1.events.k8s.io',
        'legacy.1',
        '-n',
        'shop',
        '-o',
        'jsonpath={.note}/{.regarding.name}/{.deprecatedCount}',
      ]);
      expect(got.stdout).toBe('from core/x/3');
      const table = await kubectl.run([
        'get',
        'events.events.k8s.io',
        '-n',
        'shop',
        '--field-selector',
        'reason=Old',
      ]);
      expect(table.stdout).toMatch(/Warning\s+Old\s+pod\/x\s+from core/);
    }
    // Deleted through one group, gone from both.
    await events.deleteNamespacedEvent({ namespace: 'shop', name: 'legacy.1' });
    await expect(rig.core.readNamespacedEvent({ namespace: 'shop', name: 'legacy.1' })).rejects.toMatchObject(
      {
        code: 404,
      },
    );
  });

  it('64: Deployment ScalingReplicaSet and ReplicaSet SuccessfulCreate/SuccessfulDelete on scale up and down', async () => {
    const rs = (await rig.apps.listNamespacedReplicaSet({ namespace: 'shop' })).items.find((r) =>
      r.metadata?.name?.startsWith('web-'),
    );
    const rsName = rs?.metadata?.name ?? '';
    await rig.apps.patchNamespacedDeploymentScale({
      namespace: 'shop',
      name: 'web',
      body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
    });
    const up = await eventually('Scaled up', async () =>
      eventWith(
        await eventsAbout('shop', 'Deployment', 'web'),
        'ScalingReplicaSet',
        (e) => e.message === `Scaled up replica set ${rsName} from 1 to 2`,
      ),
    );
    expect(up).toMatchObject({
      message: `Scaled up replica set ${rsName} from 1 to 2`,
      source: { component: 'deployment-controller' },
    });
    const created = await eventually('SuccessfulCreate', async () =>
      eventWith(await eventsAbout('shop', 'ReplicaSet', rsName), 'SuccessfulCreate'),
    );
    expect(created.message).toMatch(new RegExp(`^Created pod: ${rsName}-[a-z0-9]{5}$`));
    expect(created.source).toEqual({ component: 'replicaset-controller' });
    await rig.apps.patchNamespacedDeploymentScale({
      namespace: 'shop',
      name: 'web',
      body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
    });
    const down = await eventually('Scaled down', async () =>
      eventWith(
        await eventsAbout('shop', 'Deployment', 'web'),
        'ScalingReplicaSet',
        (e) => e.message === `Scaled down replica set ${rsName} from 2 to 1`,
      ),
    );
    expect(down.message).toBe(`Scaled down replica set ${rsName} from 2 to 1`);
    const deleted = await eventually('SuccessfulDelete', async () =>
      eventWith(await eventsAbout('shop', 'ReplicaSet', rsName), 'SuccessfulDelete'),
    );
    expect(deleted.message).toMatch(new RegExp(`^Deleted pod: ${rsName}-[a-z0-9]{5}$`));
  });

  it('65: a stopped kubelet makes the node controller record NodeNotReady about the node', async () => {
    await rig.sim.nodes.setReady('worker-1', false);
    const notReady = await eventually('NodeNotReady', async () =>
      eventWith(await eventsAbout('default', 'Node', 'worker-1'), 'NodeNotReady'),
    );
    const node = await rig.core.readNode({ name: 'worker-1' });
    expect(notReady).toMatchObject({
      type: 'Normal',
      message: 'Node worker-1 status is now: NodeNotReady',
      source: { component: 'node-controller' },
      involvedObject: { kind: 'Node', name: 'worker-1', uid: node.metadata?.uid, apiVersion: 'v1' },
    });
    await rig.sim.nodes.setReady('worker-1', true);
  });
});

describe('event expiry', () => {
  let fast: SimRig;
  beforeAll(async () => {
    // 1 h of cluster time is 1.8 s here.
    fast = await startSimRig({
      scenario: { name: 'ttl', nodes: [{ role: 'control-plane' }] },
      timeScale: 0.0005,
    });
  });
  afterAll(async () => {
    await fast?.stop();
  });

  it('66: an Event is deleted an hour (scaled) after its last write, as the API server event TTL does', async () => {
    const body = {
      metadata: { name: 'short.1' },
      involvedObject: { kind: 'Node', name: 'control-plane-1' },
      reason: 'Test',
      message: 'expires',
      type: 'Normal',
    };
    await fast.core.createNamespacedEvent({ namespace: 'default', body });
    expect((await fast.core.readNamespacedEvent({ namespace: 'default', name: 'short.1' })).message).toBe(
      'expires',
    );
    await eventually(
      'the event to expire',
      async () => {
        try {
          await fast.core.readNamespacedEvent({ namespace: 'default', name: 'short.1' });
          return undefined;
        } catch (error) {
          return (error as { code?: number }).code === 404 ? true : undefined;
        }
      },
      15_000,
    );
  });
});
