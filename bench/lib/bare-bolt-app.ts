import { App, LogLevel } from '@slack/bolt';

/**
 * The floor of `npm run bench -- ack`: a bare Bolt app with Bolt's HTTP receiver and one command listener that
 * only acks, in its own process like `bosun bot`. Whatever bosun's ack costs beyond this is bosun's.
 *
 * Run as `node --import tsx bench/lib/bare-bolt-app.ts` with BARE_PORT, BARE_SIGNING_SECRET, BARE_BOT_TOKEN,
 * BARE_SLACK_API_URL and BARE_COMMAND; it prints `ready` on stdout once it listens.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const app = new App({
  token: env('BARE_BOT_TOKEN'),
  signingSecret: env('BARE_SIGNING_SECRET'),
  clientOptions: { slackApiUrl: env('BARE_SLACK_API_URL') },
  logLevel: LogLevel.WARN,
});
app.command(env('BARE_COMMAND'), async ({ ack }) => {
  await ack();
});
await app.start(Number(env('BARE_PORT')));
process.stdout.write('ready\n');
const stop = () => {
  void app.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
