import type { ConfigProblem } from './config-error.js';
import { policyCrossProblems } from './policy-schema.js';

type Loose = Record<string, unknown>;
const asObject = (v: unknown): Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : {};
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** What a Slack token is by its prefix (Slack's own: bot xoxb-, user xoxp-, app-level xapp-…). */
function tokenKind(token: string): string | undefined {
  if (token.startsWith('xoxb-')) return 'a bot token (xoxb-)';
  if (token.startsWith('xapp-')) return 'an app-level token (xapp-)';
  if (token.startsWith('xoxp-')) return 'a user token (xoxp-)';
  if (/^xox[a-z]-/.test(token)) return `a ${token.slice(0, 4)}- token`;
  return undefined;
}

/**
 * The tokens by their prefixes: the bot token is xoxb-, the app token xapp-; two swapped are named as swapped.
 * Only the prefix is ever shown, never the token.
 */
function tokenProblems(slack: Loose): ConfigProblem[] {
  const bot = typeof slack.botToken === 'string' ? slack.botToken : undefined;
  const app = typeof slack.appToken === 'string' ? slack.appToken : undefined;
  if (bot?.startsWith('xapp-') && app?.startsWith('xoxb-')) {
    return [
      {
        path: 'slack.botToken',
        message:
          'and slack.appToken are swapped: the bot token starts with xoxb-, the app-level token with xapp- (swap SLACK_BOT_TOKEN and SLACK_APP_TOKEN)',
      },
    ];
  }
  const problems: ConfigProblem[] = [];
  if (bot && !bot.startsWith('xoxb-')) {
    const kind = tokenKind(bot);
    problems.push({
      path: 'slack.botToken',
      message: `must be the bot token, starting with xoxb- (from "OAuth & Permissions"); this is ${kind ?? 'not a Slack token'}`,
    });
  }
  if (app && !app.startsWith('xapp-')) {
    const kind = tokenKind(app);
    problems.push({
      path: 'slack.appToken',
      message: `must be an app-level token, starting with xapp- (from "Basic Information", scope connections:write); this is ${kind ?? 'not a Slack token'}`,
    });
  }
  return problems;
}

/**
 * Checks that span several keys. They run on the raw input, next to the schema, so that a config with a typo in
 * one place still gets these problems reported in the same run ("every problem, all at once").
 */
export function crossFieldProblems(raw: Loose): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const slack = asObject(raw.slack);
  const mode = slack.mode ?? 'http';
  if (!slack.botToken) {
    problems.push({
      path: 'slack.botToken',
      message: 'is required (set SLACK_BOT_TOKEN to the xoxb- bot token)',
    });
  }
  if (mode === 'http' && !slack.signingSecret) {
    problems.push({
      path: 'slack.signingSecret',
      message:
        'is required in http mode (set SLACK_SIGNING_SECRET, from the app\'s "Basic Information" page)',
    });
  }
  if (mode === 'socket' && !slack.appToken) {
    problems.push({
      path: 'slack.appToken',
      message: 'is required in socket mode (set SLACK_APP_TOKEN, an xapp- token with connections:write)',
    });
  }
  problems.push(...tokenProblems(slack));

  const names = new Map<string, number>();
  const defaults = new Map<string, string>();
  asArray(raw.clusters).forEach((entry, i) => {
    const cluster = asObject(entry);
    const name = typeof cluster.name === 'string' ? cluster.name : undefined;
    if (name !== undefined) {
      const first = names.get(name);
      if (first !== undefined) {
        problems.push({
          path: `clusters[${i}].name`,
          message: `duplicates clusters[${first}].name "${name}"; cluster names must be unique`,
        });
      } else names.set(name, i);
    }
    const channels = asArray(cluster.channels);
    asArray(cluster.defaultIn).forEach((channel, j) => {
      if (typeof channel !== 'string') return;
      if (!channels.includes(channel)) {
        problems.push({
          path: `clusters[${i}].defaultIn[${j}]`,
          message: `${channel} is not in this cluster's channels; add it there first`,
        });
      }
      const other = defaults.get(channel);
      if (other !== undefined && other !== name) {
        problems.push({
          path: `clusters[${i}].defaultIn[${j}]`,
          message: `${channel} already has default cluster "${other}"; a channel has at most one default`,
        });
      } else if (name !== undefined) defaults.set(channel, name);
    });
  });
  problems.push(...policyCrossProblems(raw));
  return problems;
}
