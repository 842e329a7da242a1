import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { APPROVE_ACTION } from '../../src/messages/approval-card.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { startTestSandbox } from '../support/sandbox.js';
import { eventually, gone } from '../support/sim.js';
import { sandboxApi } from './support/approved-drain.js';

/**
 * The acceptance, in the sandbox under its own policy: a namespace with a ConfigMap, a Secret and a
 * Deployment is backed up, deleted, and restored with `restore latest --namespace …` as UALICE, approved by
 * UBOB; all three come back with their data, and the Deployment's pods run again.
 */
describe('/bosun restore in the sandbox', () => {
  let sandbox: RunningSandbox;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const { api, waitFor, cardOf } = sandboxApi(() => sandbox);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.config.clusters[0]?.kubeconfig ?? '');
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  afterAll(async () => await sandbox?.stop());

  const command = async (text: string, user: string) =>
    ((await api('command', { text, user })) as { requestId: string }).requestId;
  const ended = (requestId: string, timeoutMs = 30_000) =>
    waitFor(
      (all) => {
        const card = cardOf(requestId)(all);
        return card && /: (Done|Failed)/.test(card.text) ? card : undefined;
      },
      `the end of ${requestId}`,
      timeoutMs,
    );
  const runningPods = async () =>
    (await core.listNamespacedPod({ namespace: 'ledger' })).items.filter((p) => p.status?.phase === 'Running')
      .length;

  it('tells its author that there is no backup yet to restore as latest, and what to do', async () => {
    const requestId = await command('restore latest --namespace ledger', 'UBOB');
    const answer = await waitFor(
      (all) => all.find((m) => m.requestId === requestId && m.ephemeral),
      'the answer to its author',
      30_000,
    );
    expect(answer.ephemeral).toEqual({ user: 'UBOB' });
    expect(answer.text).toContain(
      'sandbox has no backup that passed its verification. Take one with /bosun backup now.',
    );
  });

  it('brings back a deleted namespace with its ConfigMap, Secret and Deployment, once the other operator approves', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ledger' } } });
    await core.createNamespacedConfigMap({
      namespace: 'ledger',
      body: { metadata: { name: 'settings' }, data: { currency: 'EUR', 'app.properties': 'a=1\nb=2\n' } },
    });
    await core.createNamespacedSecret({
      namespace: 'ledger',
      body: { metadata: { name: 'db' }, data: { password: Buffer.from('s3cret').toString('base64') } },
    });
    await apps.createNamespacedDeployment({
      namespace: 'ledger',
      body: {
        metadata: { name: 'books' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'books' } },
          template: {
            metadata: { labels: { app: 'books' } },
            spec: { containers: [{ name: 'books', image: 'registry.example/books:1' }] },
          },
        },
      },
    });
    await eventually(
      'two running pods',
      async () => ((await runningPods()) === 2 ? true : undefined),
      30_000,
    );

    const backup = await ended(await command('backup now --namespace ledger', 'UALICE'));
    expect(backup.text).toMatch(/Done \(backup \d{8}-\d{6}-[a-z2-9]{4}: \d+ objects, verified\)/);
    const id = /backup (\d{8}-\d{6}-[a-z2-9]{4})/.exec(backup.text)?.[1];

    await core.deleteNamespace({ name: 'ledger' });
    // The namespace controller deletes the content first, then the namespace.
    await eventually('ledger gone', () => gone(() => core.readNamespace({ name: 'ledger' })), 30_000);

    const requestId = await command('restore latest --namespace ledger', 'UALICE');
    const card = await waitFor((all) => {
      const found = cardOf(requestId)(all);
      return found && JSON.stringify(found.blocks).includes(APPROVE_ACTION) ? found : undefined;
    }, 'the approval card');
    // The approvers see what the restore would do before they decide.
    expect(JSON.stringify(card.blocks)).toContain(`Restore backup *${id}* into *sandbox* (namespace ledger)`);
    await api('click', { ts: card.ts, actionId: APPROVE_ACTION, user: 'UALICE' });
    await waitFor(
      (all) =>
        all.find(
          (m) => m.ephemeral?.user === 'UALICE' && m.requestId === requestId && /four eyes/.test(m.text),
        ),
      "UALICE's own approval refused",
    );
    await api('click', { ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    const done = await ended(requestId, 60_000);
    expect(done.text).toMatch(
      new RegExp(`Done \\(backup ${id} restored: \\d+ created, 0 replaced, \\d+ skipped, 0 failed\\)`),
    );
    const report = await waitFor(
      (all) => cardOf(requestId)(all)?.replies.find((r) => /^Restore of backup/.test(r.text)),
      'the report in the thread',
    );
    const shown = JSON.stringify(report.blocks);
    expect(shown).toContain('configmaps ledger/settings');
    expect(shown).toMatch(/pods ledger\/books-[a-z0-9-]+ +skipped +owned by ReplicaSet books-/);

    const secret = await core.readNamespacedSecret({ name: 'db', namespace: 'ledger' });
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe('s3cret');
    const settings = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'ledger' });
    expect(settings.data).toEqual({ currency: 'EUR', 'app.properties': 'a=1\nb=2\n' });
    const books = await apps.readNamespacedDeployment({ name: 'books', namespace: 'ledger' });
    expect(books.spec?.replicas).toBe(2);
    await eventually('the pods back', async () => ((await runningPods()) === 2 ? true : undefined), 30_000);
  }, 120_000);

  it('runs a dry run at once, with no approval, and answers on the card', async () => {
    const requestId = await command('restore latest --namespace ledger --dry-run', 'UBOB');
    const done = await ended(requestId);
    expect(done.text).toMatch(
      /dry run of backup \S+: 0 to create, 0 to replace, \d+ skipped, .*nothing changed/,
    );
    expect(JSON.stringify(done.blocks)).not.toContain(APPROVE_ACTION);
    expect(JSON.stringify(done.blocks)).toContain('exists already (--overwrite replaces it)');
  });

  it('tells only its author about a backup that does not exist', async () => {
    const requestId = await command('restore 20200101-000000-aaaa', 'UALICE');
    const answer = await waitFor(
      (all) => all.find((m) => m.requestId === requestId && m.ephemeral),
      'the answer to its author',
      30_000,
    );
    expect(answer.ephemeral).toEqual({ user: 'UALICE' });
    expect(answer.text).toContain('sandbox has no backup 20200101-000000-aaaa.');
  });
});
