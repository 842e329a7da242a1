import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { didYouMean } from '../shared/did-you-mean.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { crossFieldProblems } from './cross-checks.js';
import { policyKeysAt } from './policy-schema.js';
import { type Config, ConfigSchema, type RedisConfig, RedisSchema } from './schema.js';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Config already in hand (the sandbox builds its own); the file is not read then. */
  raw?: unknown;
  /** Where relative kubeconfig paths are resolved from when `raw` is given. */
  baseDir?: string;
}

/** `a:1, b:2` → ['a:1', 'b:2']. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The variables that each choose how to reach Redis; one set in the environment replaces the file's choice. */
const REDIS_MODE_ENV = ['REDIS_URL', 'BOSUN_REDIS_SENTINELS', 'BOSUN_REDIS_CLUSTER'];
const redisModeInEnv = (env: NodeJS.ProcessEnv): boolean => REDIS_MODE_ENV.some((name) => env[name]);

/** Environment variables that override the file; secrets belong here rather than in the file. */
const ENV_OVERRIDES: Array<[string, string[], (v: string) => unknown]> = [
  ['SLACK_SIGNING_SECRET', ['slack', 'signingSecret'], String],
  ['SLACK_BOT_TOKEN', ['slack', 'botToken'], String],
  ['SLACK_APP_TOKEN', ['slack', 'appToken'], String],
  ['SLACK_MODE', ['slack', 'mode'], String],
  ['SLACK_API_URL', ['slack', 'apiUrl'], String],
  ['BOSUN_SLACK_PORT', ['slack', 'port'], Number],
  ['REDIS_URL', ['redis', 'url'], String],
  ['BOSUN_REDIS_SENTINELS', ['redis', 'sentinels'], list],
  ['BOSUN_REDIS_SENTINEL_NAME', ['redis', 'sentinelName'], String],
  ['BOSUN_REDIS_CLUSTER', ['redis', 'cluster'], list],
  ['BOSUN_REDIS_PREFIX', ['redis', 'prefix'], String],
  ['BOSUN_LOG_LEVEL', ['log', 'level'], String],
];

/**
 * Where Redis is according to the environment alone (REDIS_URL, BOSUN_REDIS_SENTINELS with
 * BOSUN_REDIS_SENTINEL_NAME, BOSUN_REDIS_CLUSTER), validated as `redis` is; undefined when none of them is set.
 * The sandbox uses it: it starts its own Redis unless the environment names one.
 */
export function redisFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<RedisConfig, 'prefix'> | undefined {
  if (!redisModeInEnv(env)) return undefined;
  const raw: Record<string, unknown> = {};
  for (const [name, path, convert] of ENV_OVERRIDES) {
    const value = env[name];
    if (path[0] === 'redis' && path[1] !== 'prefix' && value !== undefined && value !== '') {
      setPath(raw, path.slice(1), convert(value));
    }
  }
  const result = RedisSchema.safeParse(raw);
  if (!result.success) {
    const problems = problemsFrom(result.error.issues).map((p) => ({ ...p, path: `redis.${p.path}` }));
    throw new ConfigError(problems, 'environment');
  }
  const { prefix: _prefix, ...endpoint } = result.data;
  return endpoint;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/**
 * A key that looks like a credential pasted in the wrong place: a Slack token (xoxb-, xoxp-, xapp-…), a PEM
 * block, or a long run of token characters. Config errors name such a key without its text.
 */
export function looksLikeSecret(key: string): boolean {
  return /^(xox[a-z]|xapp)-/i.test(key) || key.includes('-----BEGIN') || /^[A-Za-z0-9+/=_-]{24,}$/.test(key);
}

const SECRET_KEY = '<a key that looks like a secret, not shown>';

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = looksLikeSecret(String(key)) ? SECRET_KEY : String(key);
      out += out ? `.${name}` : name;
    }
  }
  return out || '(top level)';
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': ['slack', 'redis', 'health', 'worker', 'log', 'clusters', 'policy', 'audit', 'drain'],
  slack: ['mode', 'command', 'signingSecret', 'botToken', 'appToken', 'port', 'apiUrl'],
  redis: ['url', 'sentinels', 'sentinelName', 'cluster', 'prefix'],
  health: ['botPort', 'workerPort'],
  worker: ['concurrency', 'lockDurationMs', 'stalledIntervalMs'],
  log: ['level'],
  drain: ['stuckAfterSeconds', 'lockTtlMs'],
  cluster: ['name', 'kubeconfig', 'context', 'channels', 'defaultIn'],
};

function knownKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  if (path.length === 0) return KNOWN_KEYS[''] ?? [];
  const policyKeys = policyKeysAt(path);
  if (policyKeys) return policyKeys;
  if (path[0] === 'clusters' && path.length === 2) return KNOWN_KEYS.cluster ?? [];
  return KNOWN_KEYS[String(path[0])] ?? [];
}

/** Turns zod issues into problems a person can act on; values are never echoed (they may be secrets). */
export function problemsFrom(issues: ReadonlyArray<z.core.$ZodIssue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = looksLikeSecret(key) ? undefined : didYouMean(key, knownKeysAt(issue.path));
        problems.push({
          path: formatPath([...issue.path, key]),
          message: `unknown key${hint ? `; did you mean "${hint}"?` : `; known keys here: ${knownKeysAt(issue.path).join(', ')}`}`,
        });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
    else if (issue.code === 'invalid_value' && 'values' in issue) {
      message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    problems.push({ path: formatPath(issue.path), message });
  }
  return problems;
}

function kubeconfigProblems(config: Config, baseDir: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  config.clusters.forEach((cluster, i) => {
    const file = isAbsolute(cluster.kubeconfig) ? cluster.kubeconfig : resolve(baseDir, cluster.kubeconfig);
    cluster.kubeconfig = file;
    if (!existsSync(file)) {
      problems.push({
        path: `clusters[${i}].kubeconfig`,
        message: `file not found: ${file}; give the path of a readable kubeconfig`,
      });
      return;
    }
    let parsed: unknown;
    try {
      parsed = YAML.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push({
        path: `clusters[${i}].kubeconfig`,
        message: `${file} is not valid YAML (${(error as Error).message.split('\n')[0]})`,
      });
      return;
    }
    const doc = (parsed ?? {}) as { contexts?: Array<{ name?: string }>; 'current-context'?: string };
    const contexts = (doc.contexts ?? [])
      .map((c) => c.name)
      .filter((n): n is string => typeof n === 'string');
    const wanted = cluster.context ?? doc['current-context'];
    if (!wanted) {
      problems.push({
        path: `clusters[${i}].context`,
        message: `${file} has no current-context; name one of: ${contexts.join(', ') || '(none)'}`,
      });
    } else if (!contexts.includes(wanted)) {
      const hint = didYouMean(wanted, contexts);
      problems.push({
        path: `clusters[${i}].context`,
        message: `context "${wanted}" is not in ${file}${hint ? `; did you mean "${hint}"?` : `; it has: ${contexts.join(', ') || '(none)'}`}`,
      });
    }
  });
  return problems;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reads `BOSUN_CONFIG` (default ./bosun.yaml), overlays environment variables, validates everything and
 * throws one ConfigError listing every problem.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  let raw: unknown = options.raw;
  let source = 'embedded';
  let baseDir = options.baseDir ?? process.cwd();
  if (raw === undefined) {
    const file = resolve(env.BOSUN_CONFIG ?? 'bosun.yaml');
    source = file;
    baseDir = dirname(file);
    if (existsSync(file)) {
      try {
        raw = YAML.parse(readFileSync(file, 'utf8')) ?? {};
      } catch (error) {
        throw new ConfigError(
          [{ path: '(file)', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }],
          source,
        );
      }
    } else if (env.BOSUN_CONFIG) {
      throw new ConfigError(
        [{ path: '(file)', message: `BOSUN_CONFIG points at ${file}, which does not exist` }],
        source,
      );
    } else {
      raw = {};
      source = 'environment (no bosun.yaml)';
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([{ path: '(top level)', message: 'must be a mapping of keys to values' }], source);
  }
  const merged = structuredClone(raw) as Record<string, unknown>;
  // The environment overrides the file: a Redis mode chosen there replaces the file's, rather than mixing with it.
  const redisFromFile = merged.redis;
  if (
    redisModeInEnv(env) &&
    typeof redisFromFile === 'object' &&
    redisFromFile !== null &&
    !Array.isArray(redisFromFile)
  ) {
    const {
      url: _url,
      sentinels: _sentinels,
      sentinelName: _name,
      cluster: _cluster,
      ...rest
    } = redisFromFile as Record<string, unknown>;
    merged.redis = rest;
  }
  for (const [name, path, convert] of ENV_OVERRIDES) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(merged, path, convert(value));
  }
  const result = ConfigSchema.safeParse(merged);
  const problems = [
    ...(result.success ? [] : problemsFrom(result.error.issues)),
    ...crossFieldProblems(merged),
  ];
  if (result.success) problems.push(...kubeconfigProblems(result.data, baseDir));
  if (result.success && result.data.audit.file && !isAbsolute(result.data.audit.file)) {
    result.data.audit.file = resolve(baseDir, result.data.audit.file);
  }
  if (problems.length > 0) throw new ConfigError(dedupe(problems), source);
  if (!result.success) throw new ConfigError([{ path: '(top level)', message: 'invalid' }], source);
  return result.data;
}
