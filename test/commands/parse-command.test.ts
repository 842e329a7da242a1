import { parseCommand as parse } from '../../src/commands/parse.js';
import { COMMANDS, type Command } from '../../src/operations/registry.js';

const parseCommand = (text: string) => parse<Command>(text, COMMANDS);

type Case = [text: string, expected: Record<string, unknown>];

const accepted: Case[] = [
  ['', { name: 'help' }],
  ['help', { name: 'help' }],
  ['HELP Drain', { name: 'help', topic: 'drain' }],
  ['clusters', { name: 'clusters' }],
  ['nodes', { name: 'nodes' }],
  ['  nodes   --cluster   prod ', { name: 'nodes', cluster: 'prod' }],
  ['nodes --cluster=prod', { name: 'nodes', cluster: 'prod' }],
  ['jobs', { name: 'jobs' }],
  ['cancel r-abcdefgh2345', { name: 'cancel', requestId: 'r-abcdefgh2345' }],
  ['cordon worker-1 worker-2', { name: 'cordon', nodes: ['worker-1', 'worker-2'] }],
  ['uncordon ip-10-0-1-7.ec2.internal', { name: 'uncordon', nodes: ['ip-10-0-1-7.ec2.internal'] }],
  [
    'drain worker-1',
    {
      name: 'drain',
      nodes: ['worker-1'],
      timeoutSeconds: 600,
      deleteEmptyDirData: false,
      force: false,
      dryRun: false,
    },
  ],
  [
    'drain worker-1 worker-2 --timeout 1h30m --grace-period 45 --delete-emptydir-data --force --dry-run',
    {
      name: 'drain',
      nodes: ['worker-1', 'worker-2'],
      timeoutSeconds: 5400,
      gracePeriodSeconds: 45,
      deleteEmptyDirData: true,
      force: true,
      dryRun: true,
    },
  ],
  ['drain w1 --pod-selector "app in (web, api),tier!=db"', { podSelector: 'app in (web, api),tier!=db' }],
  ['drain w1 --pod-selector \u201capp=web\u201d', { podSelector: 'app=web' }],
  ['drain w1 --dry-run=false', { dryRun: false }],
  [
    'maintain worker-3 --reason "kernel 6.1 update"',
    {
      name: 'maintain',
      node: 'worker-3',
      reason: 'kernel 6.1 update',
      timeoutSeconds: 600,
      deleteEmptyDirData: false,
      force: false,
    },
  ],
  [
    'maintain worker-3 --delete-emptydir-data --force --grace-period 20 --timeout 20m --pod-selector app=web',
    {
      name: 'maintain',
      node: 'worker-3',
      deleteEmptyDirData: true,
      force: true,
      gracePeriodSeconds: 20,
      timeoutSeconds: 1200,
      podSelector: 'app=web',
    },
  ],
  ['audit --since 7d', { name: 'audit', sinceSeconds: 7 * 86400 }],
  ['audit', { name: 'audit', sinceSeconds: 86400 }],
  ['drain -- worker-1', { name: 'drain', nodes: ['worker-1'] }],
];

const refused: Array<[text: string, message: RegExp, hint: RegExp | null]> = [
  ['node', /^`node` is not a bosun command\.$/, /^Did you mean `nodes`\?$/],
  ['dran worker-1', /^`dran` is not a bosun command\.$/, /Did you mean `drain`\?/],
  ['reboot worker-1', /is not a bosun command/, /Try `help`/],
  ['nodes --clster prod', /^`nodes` has no option `--clster`\.$/, /Did you mean `--cluster`\?/],
  ['drain worker-1 --grace 30', /has no option `--grace`/, /Did you mean `--grace-period`\?/],
  ['drain', /^`drain` needs at least one node\.$/, /For example/],
  ['maintain', /^`maintain` needs a node\.$/, null],
  ['maintain w1 w2', /takes at most 1 node/, null],
  ['maintain w1 --dry-run', /has no option `--dry-run`/, null],
  ['jobs now', /^`jobs` takes no arguments, but got `now`\.$/, null],
  ['drain Worker-1', /^`Worker-1` is not a valid node name \(node names are lowercase: `worker-1`\)$/, null],
  ['drain worker_1', /is not a valid node name: use lowercase letters/, null],
  ['drain -worker', /has no option/, null],
  ['drain w1 --timeout soon', /^`--timeout`: `soon` is not a duration/, null],
  ['drain w1 --timeout 30d', /longer than the limit of 1d/, null],
  ['drain w1 --grace-period -1', /^`--grace-period`: must be a whole number of seconds/, null],
  ['drain w1 --grace-period', /^`--grace-period` needs a value \(SECONDS\)\.$/, null],
  ['drain w1 --force=yes', /^`--force` is a switch/, null],
  ['drain w1 --force --force', /is given twice/, null],
  ['drain w1 w1', /^`w1` is named twice\.$/, null],
  ['drain w1 --pod-selector "app=web;rm -rf /"', /is not a label selector term/, null],
  ['cancel 123', /^`123` is not a request id/, null],
  ['cancel r-abc:def', /is not a request id/, null],
  ['nodes --cluster Prod', /`--cluster`: is not a cluster name/, null],
  ['nodes --cluster ../../etc/passwd', /`--cluster`: is not a cluster name/, null],
  ['help reboot', /^There is no command `reboot` to explain\.$/, null],
  ['drain "worker-1', /quote is not closed/, null],
  ['drain worker-1\u0000', /control characters/, null],
  ['drain worker-1\u001b[31m', /control characters/, null],
  [`drain ${'a'.repeat(2000)}`, /the limit is 1000/, null],
];

describe('command grammar', () => {
  it.each(accepted)('accepts %j', (text, expected) => {
    const result = parseCommand(text);
    expect(result).toMatchObject({ ok: true, command: expected });
  });

  const refusedRows = refused.map(([text, message, hint]) => ({
    label: JSON.stringify(text.length > 50 ? `${text.slice(0, 40)}…` : text),
    text,
    message,
    hint,
  }));
  it.each(refusedRows)('refuses $label with a reason and a hint', ({ text, message, hint }) => {
    const result = parseCommand(text);
    if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.command)}`);
    expect(result.error.message).toMatch(message);
    if (hint) expect(result.error.hint).toMatch(hint);
  });

  it('reads Slack-escaped text: entities, mentions and smart quotes', () => {
    expect(parseCommand('drain w1 --pod-selector "tier!=db" --reason &lt;x&gt;')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('no option `--reason`') },
    });
    expect(parseCommand('maintain w1 --reason "a &amp; b"')).toMatchObject({
      ok: true,
      command: { reason: 'a & b' },
    });
  });

  it('never lets hostile input format, mention or link in its answer', () => {
    const hostile = [
      'drain <!channel>',
      'drain `<!here>`',
      'nodes --cluster <@U123>',
      'drain <https://evil.example|Click Me>',
      '<!everyone> please',
      'drain *bold* _it_ ~s~',
      'cancel `; rm -rf / #',
      'drain $(reboot)',
      'drain worker-1 --timeout `id`',
    ];
    for (const text of hostile) {
      const result = parseCommand(text);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      const shown = `${result.error.message} ${result.error.hint ?? ''}`;
      expect(shown).not.toMatch(/<[!@#]|<https?:/);
      // Every backtick in the answer is bosun's own: they come in pairs around quoted words.
      expect((shown.match(/`/g) ?? []).length % 2).toBe(0);
    }
  });
});

describe('commands of more than one word', () => {
  const parseBackup = (text: string) => parse<Command>(text, COMMANDS);

  it('parses backup now with its options', () => {
    expect(
      parseBackup('backup now --namespace shop,payments --no-secrets --exclude-kinds Pod,events'),
    ).toEqual({
      ok: true,
      command: {
        name: 'backup now',
        cluster: undefined,
        namespaces: ['shop', 'payments'],
        selector: undefined,
        excludeKinds: ['Pod', 'events'],
        secrets: false,
      },
    });
    expect(parseBackup('BACKUP Show 20261207-153045-k3qf --cluster prod')).toEqual({
      ok: true,
      command: { name: 'backup show', cluster: 'prod', id: '20261207-153045-k3qf' },
    });
  });

  it('accepts --what resources and --what all (resources only until etcd snapshots exist)', () => {
    expect(parseBackup('backup now --what resources')).toMatchObject({
      ok: true,
      command: { secrets: true },
    });
    expect(parseBackup('backup now --what resources')).not.toMatchObject({ command: { what: 'all' } });
    expect(parseBackup('backup now --what ALL')).toMatchObject({
      ok: true,
      command: { name: 'backup now', what: 'all' },
    });
  });

  it('says what is wrong with a bad backup command', () => {
    const messageOf = (text: string) => {
      const parsed = parseBackup(text);
      if (parsed.ok) throw new Error(`accepted ${text}`);
      return `${parsed.error.message} ${parsed.error.hint ?? ''}`.trim();
    };
    expect(messageOf('backup')).toBe(
      '`backup` needs one of `now`, `list`, `show`, `verify`, `status`, `schedule set`, `schedule list`, `schedule delete`. `help backup` explains them.',
    );
    expect(messageOf('backup lsit')).toBe(
      '`backup lsit` is not a bosun command. Did you mean `backup list`? `help backup` explains them.',
    );
    expect(messageOf('backup show latest-one')).toBe(
      '`latest-one` is not a backup id; backup ids look like 20261207-153045-k3qf (see `/bosun backup list`)',
    );
    expect(messageOf('backup now --namespace Shop')).toBe(
      '`--namespace`: `Shop` is not a namespace; list them with commas, such as `--namespace shop,payments`',
    );
    expect(messageOf('backup now --what etcd')).toBe(
      '`--what`: bosun does not take etcd snapshots yet; `--what resources` (the default) backs up every resource',
    );
    expect(messageOf('backup now --what disks')).toBe(
      '`--what`: `disks` is not a kind of backup; use `resources`, `etcd` or `all`',
    );
    expect(messageOf('help backup nothing')).toBe(
      'There is no command `backup nothing` to explain. Try `help` for the list of commands.',
    );
  });
});

describe('restore', () => {
  const parseRestore = (text: string) => parse<Command>(text, COMMANDS);
  const messageOf = (text: string) => {
    const parsed = parseRestore(text);
    if (parsed.ok) throw new Error(`accepted ${text}`);
    return `${parsed.error.message} ${parsed.error.hint ?? ''}`.trim();
  };

  it('parses a backup id or latest with its options', () => {
    expect(
      parseRestore(
        'restore latest --namespace shop --to-namespace shop-copy --kinds ConfigMap,Secret --overwrite',
      ),
    ).toEqual({
      ok: true,
      command: {
        name: 'restore',
        cluster: undefined,
        backup: 'latest',
        namespaces: ['shop'],
        toNamespace: 'shop-copy',
        kinds: ['ConfigMap', 'Secret'],
        overwrite: true,
        dryRun: false,
      },
    });
    expect(parseRestore('restore 20261207-153045-k3qf --cluster prod --dry-run')).toMatchObject({
      ok: true,
      command: { backup: '20261207-153045-k3qf', cluster: 'prod', namespaces: [], dryRun: true },
    });
  });

  it('says what is wrong with a bad restore command', () => {
    expect(messageOf('restore')).toBe(
      '`restore` needs a backup-id|latest. For example: `/bosun restore latest --namespace shop`',
    );
    expect(messageOf('restore newest')).toBe(
      '`newest` is not a backup id; backup ids look like 20261207-153045-k3qf (see `/bosun backup list`), or say `latest`',
    );
    expect(messageOf('restore latest --to-namespace copy')).toBe(
      '`--to-namespace`: needs exactly one `--namespace`, the one to restore from, such as `--namespace shop --to-namespace shop-copy`',
    );
    expect(messageOf('restore latest --namespace a,b --to-namespace copy')).toContain('needs exactly one');
  });
});
