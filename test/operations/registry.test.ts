import { parseCommand } from '../../src/commands/parse.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { OPERATION_NAMES } from '../../src/operations/names.js';
import { COMMANDS, type Command, OPERATIONS } from '../../src/operations/registry.js';

const base = { slack: { botToken: 'xoxb-test', signingSecret: 'shh' }, clusters: [] as unknown[] };

function policyProblems(commands: string[]): string[] {
  try {
    loadConfig({ env: {}, raw: { ...base, policy: { rules: [{ commands, approvals: 1 }] } } });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
}

describe('the operation registry', () => {
  it.each(OPERATION_NAMES)(
    '`%s` is one descriptor the grammar, the job map and the policy all use',
    (name) => {
      const operation = OPERATIONS[name];
      expect(operation.name).toBe(name);
      // The handler parses with the registry's grammar; the worker decodes with the descriptor's schema.
      expect(COMMANDS[name]).toBe(operation.grammar);
      expect(typeof operation.run).toBe('function');
      expect(policyProblems([name])).toEqual([]);
      expect(operation.grammar.examples.length).toBeGreaterThan(0);
      for (const example of operation.grammar.examples) {
        const parsed = parseCommand<Command>(example, COMMANDS);
        if (!parsed.ok) throw new Error(`example "${example}" does not parse: ${parsed.error.message}`);
        expect(parsed.command.name).toBe(name);
        // What the handler enqueues (with the resolved cluster) is what the job decodes.
        const enqueued = JSON.parse(JSON.stringify({ ...parsed.command, cluster: 'prod' }));
        expect(operation.command.safeParse(enqueued)).toMatchObject({ success: true });
      }
    },
  );

  it('holds exactly the operations names.ts lists, in help order after the bot commands that lead', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual([...OPERATION_NAMES].sort());
    const grammarNames = Object.keys(COMMANDS);
    for (const name of OPERATION_NAMES) expect(grammarNames).toContain(name);
  });

  it('read-only operations take no lock and never wait for approval; changes to the cluster lock what they touch', () => {
    for (const operation of Object.values(OPERATIONS)) {
      if (!operation.mutates) {
        expect({ name: operation.name, lock: operation.lock.scope }).toEqual({
          name: operation.name,
          lock: 'none',
        });
        expect(operation.dryRun).toBeUndefined();
      } else if (operation.writes === 'backup-store') {
        // Writes only to bosun's store; the cluster is only read.
        expect(['backup now', 'backup schedule set', 'backup schedule delete']).toContain(operation.name);
        expect({ name: operation.name, lock: operation.lock.scope }).toEqual({
          name: operation.name,
          lock: 'none',
        });
      } else {
        expect({ name: operation.name, lock: operation.lock.scope }).not.toEqual({
          name: operation.name,
          lock: 'none',
        });
      }
    }
  });

  it('a drain locks its nodes, and a dry run locks nothing', () => {
    const { lock } = OPERATIONS.drain;
    if (lock.scope !== 'nodes') throw new Error(`drain locks ${lock.scope}`);
    const real = parseCommand<Command>('drain worker-1 worker-2', COMMANDS);
    const dry = parseCommand<Command>('drain worker-1 --dry-run', COMMANDS);
    if (!real.ok || real.command.name !== 'drain' || !dry.ok || dry.command.name !== 'drain') {
      throw new Error('drain did not parse');
    }
    expect(lock.nodes(real.command)).toEqual(['worker-1', 'worker-2']);
    expect(lock.nodes(dry.command)).toEqual([]);
    expect(OPERATIONS.drain.dryRun?.(dry.command)).toBe(true);
    expect(OPERATIONS.drain.dryRun?.(real.command)).toBe(false);
  });

  it('a restore locks the cluster and waits for approval; its dry run locks nothing and waits for nobody', () => {
    const { lock } = OPERATIONS.restore;
    if (lock.scope !== 'cluster') throw new Error(`restore locks ${lock.scope}`);
    const real = parseCommand<Command>('restore latest --namespace shop', COMMANDS);
    const dry = parseCommand<Command>('restore latest --namespace shop --dry-run', COMMANDS);
    if (!real.ok || real.command.name !== 'restore' || !dry.ok || dry.command.name !== 'restore') {
      throw new Error('restore did not parse');
    }
    expect(OPERATIONS.restore.mutates).toBe(true);
    expect(lock.unless?.(real.command)).toBe(false);
    expect(lock.unless?.(dry.command)).toBe(true);
    expect(OPERATIONS.restore.dryRun?.(dry.command)).toBe(true);
    expect(OPERATIONS.restore.dryRun?.(real.command)).toBe(false);
  });

  it('the policy may name only operations that exist (and audit)', () => {
    expect(policyProblems(['audit', '*', 'drain'])).toEqual([]);
    for (const planned of ['upgrade', 'backup', 'jobs']) {
      expect(policyProblems([planned]).join('\n')).toMatch(/is not a command/);
    }
  });
});
