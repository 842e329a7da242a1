import type { ConfigProblem } from './config-error.js';
import { policyCrossProblems } from './policy-schema.js';

type Loose = Record<string, unknown>;
const asObject = (v: unknown): Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : {};
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

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
