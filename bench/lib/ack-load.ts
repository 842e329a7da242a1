import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { postForm } from '../../src/sandbox/slack/http-form-post.js';
import type { SignedSlashCommand } from '../../src/sandbox/slack/index.js';

/**
 * The load of `npm run bench -- ack`, sent from a process of its own, as Slack sends from its own machines: the
 * ack times it measures do not wait for the Slack stand-in's event loop, which is busy serving the bot's Web API
 * calls during bosun's run and idle during the floor's.
 *
 * Run as `node --import tsx bench/lib/ack-load.ts <in.json> <out.json>`: `in.json` holds `{ ratePerS, commands }`
 * (commands signed by the stand-in, `SlackStandIn.signedSlashCommand`); `out.json` gets one `{ ackMs, status }`
 * per command, in the order sent. Each command goes at its slot (`i / ratePerS` seconds after the start), whether
 * or not earlier ones were answered, as Slack does.
 */
interface LoadInput {
  ratePerS: number;
  commands: SignedSlashCommand[];
}

const ACK_TIMEOUT_MS = 3000;
const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: ack-load.ts <in.json> <out.json>');
const { ratePerS, commands } = JSON.parse(await readFile(input, 'utf8')) as LoadInput;

const started = performance.now();
const sent: Array<Promise<{ ackMs: number; status: number }>> = [];
for (const [i, command] of commands.entries()) {
  const wait = started + (i * 1000) / ratePerS - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const sentAt = performance.now();
  sent.push(
    postForm(command.url, command.body, command.headers, ACK_TIMEOUT_MS).then((result) => ({
      ackMs: Math.round((performance.now() - sentAt) * 100) / 100,
      status: result.outcome === 'answered' ? result.status : result.outcome === 'timeout' ? 504 : 502,
    })),
  );
}
await writeFile(output, JSON.stringify(await Promise.all(sent)));
