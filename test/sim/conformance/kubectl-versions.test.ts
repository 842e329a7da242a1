import { KUBECTL_EDGES, type Kubectl } from '../../support/kubectl.js';
import { type SimRig, startSimRig } from '../../support/sim.js';

describe.each(KUBECTL_EDGES)('kubectl %s against the simulator', (minor) => {
  let rig: SimRig;
  let kubectl: Kubectl;

  beforeAll(async () => {
    rig = await startSimRig({ scenario: 'small' });
    kubectl = await rig.kubectl(minor);
  });
  afterAll(async () => {
    await rig.stop();
  });

  it('is the minor asked for, and lists the nodes', async () => {
    const version = await kubectl.run(['version', '--client', '-o', 'json']);
    expect(JSON.parse(version.stdout).clientVersion.minor).toBe(minor.split('.')[1]);
    const nodes = await kubectl.run(['get', 'nodes']);
    expect(nodes.stderr).toBe('');
    expect(nodes.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
  });
});
