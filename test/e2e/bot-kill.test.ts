import { TERMINAL_STATES } from '../../src/requests/request-store.js';
import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

const CHANNELS = ['COPS', 'COPS2', 'COPS3', 'COPS4', 'COPS5', 'COPS6', 'COPS7', 'COPS8'];
const KILLS = 6;
const COMMANDS_PER_ROUND = 14;

interface Sent {
  requestId: string;
  channel: string;
  status: number;
  body: string;
}

/** What the author saw in the ack: taken (empty ack), an error from bosun, or Slack's own "dispatch failed". */
const seen = (sent: Sent): 'acked' | 'told' | 'dispatch-failed' =>
  sent.status !== 200 ? 'dispatch-failed' : sent.body.trim() === '' ? 'acked' : 'told';

/**
 * The bot process is SIGKILLed at random instants while commands arrive from eight channels. Every command the
 * bot acknowledged must complete (its record ended and its card says Done); the others either left nothing or
 * completed (bosun had recorded them before it died); nothing stays open. Real bot processes; the worker runs
 * in the test and finishes intakes the dead bots left.
 */
describe('killing the bot loses no acknowledged command', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      channels: CHANNELS,
      intake: { backstopMs: 1000, reconcileEveryMs: 500, reconcileAfterMs: 5000 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('completes every acknowledged command across six SIGKILLs', async () => {
    const sent: Sent[] = [];
    let n = 0;
    const fire = async () => {
      const channel = CHANNELS[n++ % CHANNELS.length] ?? 'COPS';
      const result = await rig.standIn.slashCommand({ text: 'nodes', user: 'UALICE', channel });
      sent.push({ requestId: result.requestId, channel, status: result.status, body: result.body });
    };
    for (let round = 0; round < KILLS; round++) {
      const bot = await rig.spawnBot();
      // Commands arrive a few milliseconds apart; the bot dies at a random instant among them.
      const inFlight: Promise<void>[] = [];
      const killAt = 30 + Math.floor(Math.random() * 250);
      const killer = new Promise<void>((resolve) =>
        setTimeout(() => {
          bot.kill('SIGKILL');
          resolve();
        }, killAt),
      );
      for (let i = 0; i < COMMANDS_PER_ROUND; i++) {
        inFlight.push(fire());
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
      }
      await killer;
      await bot.process;
      await Promise.all(inFlight);
    }
    await rig.spawnBot();

    const acked = sent.filter((s) => seen(s) === 'acked');
    const open = async () => {
      const states = await Promise.all(sent.map(async (s) => (await rig.requests.get(s.requestId))?.state));
      return sent.filter((_, i) => {
        const state = states[i];
        return state !== undefined && !TERMINAL_STATES.has(state);
      });
    };
    await rig.standIn.waitFor(async () => ((await open()).length === 0 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'every recorded command ended',
    });
    const cardOf = (s: Sent) =>
      rig.standIn.messages(s.channel).find((m) => m.requestId === s.requestId && !m.ephemeral);
    await rig.standIn.waitFor(
      () => (acked.every((s) => /: Done/.test(cardOf(s)?.text ?? '')) ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 200, description: 'every acknowledged command has a Done card' },
    );

    const records = await Promise.all(sent.map((s) => rig.requests.get(s.requestId)));
    const unacked = sent.filter((s) => seen(s) !== 'acked');
    const unackedCompleted = unacked.filter((s) => records[sent.indexOf(s)]?.state === 'succeeded');
    const counts = {
      sent: sent.length,
      kills: KILLS,
      acked: acked.length,
      ackedCompleted: acked.filter((s) => records[sent.indexOf(s)]?.state === 'succeeded').length,
      toldNotRecorded: sent.filter((s) => seen(s) === 'told').length,
      dispatchFailed: sent.filter((s) => seen(s) === 'dispatch-failed').length,
      unackedButCompleted: unackedCompleted.length,
      unackedLeftNothing: unacked.filter((s) => records[sent.indexOf(s)] === undefined).length,
      stillOpen: (await open()).length,
    };
    console.log(`bot SIGKILL: ${JSON.stringify(counts)}`);

    expect(acked.length).toBeGreaterThan(0);
    expect(counts.dispatchFailed).toBeGreaterThan(0);
    expect(counts.ackedCompleted).toBe(acked.length);
    expect(counts.stillOpen).toBe(0);
    // A command not acknowledged either left nothing or ran to its end; none is half done.
    expect(counts.unackedButCompleted + counts.unackedLeftNothing).toBe(unacked.length);
  }, 240_000);
});
