import type { z } from 'zod';
import { didYouMean } from '../shared/did-you-mean.js';

/**
 * Bosun's words for what zod found, given to `safeParse` as its error map. A message the schema states itself
 * (`.regex(…, 'must be …')`) wins over these; what is left (wrong types, missing keys, numbers out of range,
 * values not among the allowed ones) is said here in a plain sentence about the key, never echoing its value
 * (it may be a secret). Returns undefined for what it does not know, and zod's own text is kept.
 */

type RawIssue = z.core.$ZodRawIssue;
type CheckDef = { check?: string; value?: unknown; inclusive?: boolean };

/** The bounds a number schema checks (`.min()`, `.max()`), read from its checks. */
function boundsOf(schema: z.core.$ZodType | undefined): { min?: number; max?: number } {
  const checks = ((schema?._zod.def as { checks?: z.core.$ZodCheck[] } | undefined)?.checks ?? []).map(
    (check) => check._zod.def as CheckDef,
  );
  const value = (name: string) => {
    const found = checks.find((c) => c.check === name && c.inclusive)?.value;
    return typeof found === 'number' ? found : undefined;
  };
  return { min: value('greater_than'), max: value('less_than') };
}

/** What a value in the file is, in a person's words; never the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const lastKey = (path: ReadonlyArray<PropertyKey>): string => {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key === 'string') return key;
  }
  return '';
};

const isPort = (key: string) => /port$/i.test(key);
const PORT = 'must be a port number, 1–65535 (or 0 for any free one)';

/** The unit a number key is counted in, from bosun's naming (`lockTtlMs`, `stuckAfterSeconds`). */
function unitOf(key: string): string {
  if (key.endsWith('Ms')) return ' ms';
  if (key.endsWith('Seconds')) return ' seconds';
  return '';
}

/** `clusters[0].kubeconfig` → `clusters[].kubeconfig`: where a required key is, whatever the index. */
const shapeOf = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key) => (typeof key === 'number' ? '[]' : `.${String(key)}`)).join('');

/** What a required key is for, with an example, where a person must write one. */
const REQUIRED: Record<string, string> = {
  '.clusters[].name': "the cluster's name as commands say it, such as prod",
  '.clusters[].kubeconfig':
    "the path of the cluster's kubeconfig file, such as prod.kubeconfig (relative to the config file's folder)",
  '.clusters[].channels': 'the Slack channel ids that may address this cluster, such as [C0123ABCD]',
  '.policy.rules[].windows[].from': 'when the window opens, a time of day such as 09:00',
  '.policy.rules[].windows[].to': 'when the window closes, a time of day such as 17:00',
  '.policy.defaults.windows[].from': 'when the window opens, a time of day such as 09:00',
  '.policy.defaults.windows[].to': 'when the window closes, a time of day such as 17:00',
};

/** What the key should hold, by the type the schema expects. */
function wanted(expected: string, key: string): string {
  switch (expected) {
    case 'number':
    case 'int':
      if (isPort(key)) return 'a port number, 1–65535 (or 0 for any free one)';
      if (key.endsWith('Ms')) return 'a number of milliseconds, such as 30000 for 30 s';
      if (key.endsWith('Seconds')) return 'a number of seconds, such as 60';
      return 'a number';
    case 'string':
      if (key === 'expiry') return 'a duration written like 30m, 2h or 1h30m';
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list, such as [a, b] or one "- item" per line';
    case 'object':
      return 'a mapping of keys to values (key: value, one per line)';
    default:
      return expected;
  }
}

function wrongType(issue: RawIssue & { code: 'invalid_type' }): string {
  const key = lastKey(issue.path ?? []);
  const { input, expected } = issue;
  if (input === undefined) {
    const what = REQUIRED[shapeOf(issue.path ?? [])];
    return what ? `is required: ${what}` : 'is required';
  }
  if (expected === 'int' && typeof input === 'number') {
    return isPort(key) ? PORT : `must be a whole number${unitOf(key)}`;
  }
  const kind = kindOf(input);
  // NaN is what a variable such as BOSUN_SLACK_PORT=abc becomes: there is nothing to name but what is wanted.
  if (typeof input === 'number' && Number.isNaN(input)) return `must be ${wanted(expected, key)}`;
  if (input === null) return `has no value; give ${wanted(expected, key)}, or remove the key`;
  if (
    (expected === 'number' || expected === 'int') &&
    typeof input === 'string' &&
    /^\s*\d+\s*$/.test(input)
  ) {
    return `must be ${wanted(expected, key)}, without quotes`;
  }
  return `must be ${wanted(expected, key)}, not ${kind}`;
}

function outOfRange(issue: RawIssue & { code: 'too_small' | 'too_big' }): string | undefined {
  const key = lastKey(issue.path ?? []);
  if (issue.origin === 'number') {
    if (isPort(key)) return PORT;
    const unit = unitOf(key);
    const { min, max } = boundsOf(issue.schema);
    if (min !== undefined && max !== undefined) return `must be from ${min} to ${max}${unit}`;
    if (issue.code === 'too_small') return `must be at least ${issue.minimum}${unit}`;
    return `must be at most ${issue.maximum}${unit}`;
  }
  if (issue.origin === 'string') {
    if (issue.code === 'too_small') {
      return Number(issue.minimum) <= 1
        ? 'must not be empty'
        : `must be at least ${issue.minimum} characters`;
    }
    return `must be at most ${issue.maximum} characters`;
  }
  if (issue.origin === 'array') {
    if (issue.code === 'too_small') {
      return Number(issue.minimum) <= 1
        ? 'must list at least one item'
        : `must list at least ${issue.minimum} items`;
    }
    return `must list at most ${issue.maximum} items`;
  }
  return undefined;
}

function notAllowed(issue: RawIssue & { code: 'invalid_value' }): string {
  const values = issue.values.map((v) => JSON.stringify(v));
  const listed = `must be one of ${values.join(', ')}`;
  if (typeof issue.input !== 'string') return listed;
  const hint = didYouMean(
    issue.input,
    issue.values.filter((v): v is string => typeof v === 'string'),
  );
  return hint ? `${listed}; did you mean "${hint}"?` : listed;
}

export function issueWords(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return wrongType(issue);
    case 'too_small':
    case 'too_big':
      return outOfRange(issue);
    case 'invalid_value':
      return notAllowed(issue);
    case 'invalid_format':
      if (issue.format === 'url') return 'must be a URL, such as https://slack.com/api/';
      return `must be ${issue.format === 'regex' ? 'in the expected form' : `a valid ${issue.format}`}`;
    default:
      return undefined;
  }
}
