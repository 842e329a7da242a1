import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import { startTestSandbox } from '../support/sandbox.js';

describe('/bosun backup in Slack', () => {
  let sandbox: RunningSandbox;
  let core: CoreV1Api;

  beforeAll(async () => {
    sandbox = await startTestSandbox({});
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.config.clusters[0]?.kubeconfig ?? '');
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  const cardOf = (requestId: string): RecordedMessage | undefined =>
    sandbox.standIn.messages('COPS').find((m) => m.requestId === requestId && !m.ephemeral);
  const finished = (requestId: string) =>
    sandbox.standIn.waitFor(
      () => {
        const card = cardOf(requestId);
        return card && /Done|Failed/.test(card.text) ? card : undefined;
      },
      { timeoutMs: 30_000, description: 'a finished card' },
    );
  const shown = (message: RecordedMessage) => JSON.stringify(message.blocks ?? []).replace(/\\n/g, '\n');

  it('backs up without approval, answers on the card, and lists and shows the backup', async () => {
    await core.createNamespace({ body: { metadata: { name: 'billing' } } });
    await core.createNamespacedConfigMap({
      namespace: 'billing',
      body: { metadata: { name: 'rates' }, data: { vat: '21' } },
    });
    const taken = await sandbox.standIn.slashCommand({
      text: 'backup now --namespace billing',
      user: 'UALICE',
      channel: 'COPS',
    });
    expect(taken.status).toBe(200);
    const card = await finished(taken.requestId);
    expect(card.text).toMatch(
      /^\/bosun backup now --namespace billing on sandbox: Done \(backup \d{8}-\d{6}-[a-z2-9]{4}: \d+ objects, verified\)$/,
    );
    const id = /backup (\d{8}-\d{6}-[a-z2-9]{4})/.exec(card.text)?.[1] ?? '';
    expect(shown(card)).toContain(`Backup *${id}* of *sandbox*`);
    expect(shown(card)).toContain('Namespaces billing; Secrets included. In the local folder.');

    // The files are plain YAML a person can read without bosun.
    const store = sandbox.config.backups.store;
    if (store.type !== 'local') throw new Error('the sandbox keeps its backups in a local folder');
    const file = parse(
      await readFile(join(store.path, 'sandbox', id, 'billing/configmaps/rates.yaml'), 'utf8'),
    );
    expect(file.data).toEqual({ vat: '21' });

    const listed = await sandbox.standIn.slashCommand({ text: 'backup list', user: 'UBOB', channel: 'COPS' });
    const list = await finished(listed.requestId);
    expect(shown(list)).toMatch(new RegExp(`${id}\\s+\\S+\\s+\\d+\\s+[\\d.]+ [KM]?B\\s+billing\\s+verified`));

    const showed = await sandbox.standIn.slashCommand({
      text: `backup show ${id}`,
      user: 'UBOB',
      channel: 'COPS',
    });
    const details = await finished(showed.requestId);
    expect(shown(details)).toMatch(/configmaps\s+\d+/);
    expect(shown(details)).toContain('SHA256SUMS');
  });

  it('tells only its author about a backup that does not exist', async () => {
    const asked = await sandbox.standIn.slashCommand({
      text: 'backup show 20200101-000000-aaaa',
      user: 'UBOB',
      channel: 'COPS',
    });
    const answer = await sandbox.standIn.waitFor(
      () => sandbox.standIn.messages('COPS').find((m) => m.requestId === asked.requestId && m.ephemeral),
      { timeoutMs: 15_000, description: 'the answer to its author' },
    );
    expect(answer.ephemeral).toEqual({ user: 'UBOB' });
    expect(answer.text).toContain(
      'sandbox has no backup 20200101-000000-aaaa. /bosun backup list shows its backups.',
    );
    await sandbox.standIn.waitFor(() => (cardOf(asked.requestId) ? undefined : true), {
      timeoutMs: 10_000,
      description: 'no card left in the channel',
    });
  });
});
