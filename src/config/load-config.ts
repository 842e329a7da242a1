import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { didYouMean } from '../shared/did-you-mean.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { crossFieldProblems } from './cross-checks.js';
import { issueWords } from './issue-words.js';
import { type Config, ConfigSchema, type RedisConfig, RedisSchema } from './schema.js';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Config already in hand (the sandbox builds its own); the file is not read then. */
  raw?: unknown;
  /** Where relative kubeconfig paths are resolved from when `raw` is given. */
  baseDir?: string;
  /**
   * Refuse a config that names no cluster (`bosun bot` and `bosun worker`: they have nothing to work on
   * without one), with a minimal config as the hint. `bosun audit` reads Redis only and needs none.
   */
  requireClusters?: boolean;
}

/** What the smallest working config file holds; shown when a config names no cluster. */
export const MINIMAL_CONFIG_HINT = `A minimal config file names one cluster:
  clusters:
    - name: prod                   # what commands call it: --cluster prod
      kubeconfig: prod.kubeconfig  # relative to the config file's folder
      channels: [C0123ABCD]        # ids of the Slack channels that may address it
with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (SLACK_APP_TOKEN in socket mode) in the environment;
bosun.example.yaml shows every key.`;

/** Why there is no cluster, where it is said: an empty file, no file at all, or a file that lists none. */
function noClusterProblem(file: 'empty' | 'missing' | 'read', where: string): ConfigProblem {
  if (file === 'empty') {
    return { path: '(file)', message: 'is empty; bosun needs at least one cluster to work on' };
  }
  if (file === 'missing') {
    return {
      path: '(file)',
      message: `there is no bosun.yaml in ${where} and BOSUN_CONFIG is not set; bosun needs a config file naming at least one cluster`,
    };
  }
  return {
    path: 'clusters',
    message:
      'no cluster is configured; bosun needs at least one, each with a name, a kubeconfig and channels',
  };
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
  const result = RedisSchema.safeParse(raw, { error: issueWords });
  if (!result.success) {
    const problems = problemsFrom(result.error.issues, RedisSchema).map((p) => ({
      ...p,
      path: `redis.${p.path}`,
    }));
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

type SchemaDef = {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  element?: z.core.$ZodType;
};
const defOf = (schema: z.core.$ZodType): SchemaDef => schema._zod.def as unknown as SchemaDef;

/** The schema under its wrappers (default, optional, a transform's input…). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!next) return current;
    current = next;
  }
}

/** The keys the schema knows at a path (the object there), for did-you-mean; every key is named once, in the schema. */
export function knownKeysAt(root: z.core.$ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let schema: z.core.$ZodType | undefined = unwrap(root);
  for (const key of path) {
    if (!schema) return [];
    const def = defOf(schema);
    const next: z.core.$ZodType | undefined =
      typeof key === 'number' ? def.element : def.shape?.[String(key)];
    schema = next ? unwrap(next) : undefined;
  }
  const shape = schema ? defOf(schema).shape : undefined;
  return shape ? Object.keys(shape) : [];
}

/**
 * Turns zod issues into problems a person can act on, in bosun's words (the issues come from a parse given
 * `issueWords` as its error map); values are never echoed (they may be secrets).
 */
export function problemsFrom(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  root: z.core.$ZodType = ConfigSchema,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(root, issue.path);
      for (const key of issue.keys) {
        const hint = looksLikeSecret(key) ? undefined : didYouMean(key, known);
        problems.push({
          path: formatPath([...issue.path, key]),
          message: `unknown key${hint ? `; did you mean "${hint}"?` : `; known keys here: ${known.join(', ')}`}`,
        });
      }
      continue;
    }
    problems.push({ path: formatPath(issue.path), message: issue.message });
  }
  return problems;
}

/** The backup store's and key's files, from the config file's folder; a Git repository only when a relative path. */
function resolveBackupPaths(backups: Config['backups'], baseDir: string): void {
  const store = backups.store;
  if (store.type === 'local') store.path = resolveFrom(baseDir, store.path);
  if (store.type === 'git') {
    if (/^\.\.?\//.test(store.repository)) store.repository = resolveFrom(baseDir, store.repository);
    if (store.cacheDir) store.cacheDir = resolveFrom(baseDir, store.cacheDir);
  }
  if (store.type === 's3') {
    if (store.secretAccessKeyFile)
      store.secretAccessKeyFile = resolveFrom(baseDir, store.secretAccessKeyFile);
    if (store.stagingDir) store.stagingDir = resolveFrom(baseDir, store.stagingDir);
  }
  if (backups.encryption?.keyFile)
    backups.encryption.keyFile = resolveFrom(baseDir, backups.encryption.keyFile);
}

const resolveFrom = (baseDir: string, file: string): string =>
  isAbsolute(file) ? file : resolve(baseDir, file);

/**
 * Each cluster's kubeconfig exists, parses and has the context named (or a current-context). Run on the raw
 * input, next to the schema, so that a cluster with a bad key elsewhere still gets its kubeconfig checked
 * in the same run; entries whose kubeconfig or context the schema refuses are left to the schema's problems.
 */
function kubeconfigProblems(raw: Record<string, unknown>, baseDir: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const clusters = Array.isArray(raw.clusters) ? (raw.clusters as unknown[]) : [];
  clusters.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
    const cluster = entry as { kubeconfig?: unknown; context?: unknown };
    if (typeof cluster.kubeconfig !== 'string' || cluster.kubeconfig === '') return;
    if (cluster.context !== undefined && (typeof cluster.context !== 'string' || cluster.context === ''))
      return;
    const file = resolveFrom(baseDir, cluster.kubeconfig);
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
    const doc = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const contexts = (Array.isArray(doc.contexts) ? (doc.contexts as unknown[]) : [])
      .map((c) => (typeof c === 'object' && c !== null ? (c as { name?: unknown }).name : undefined))
      .filter((n): n is string => typeof n === 'string');
    const current = typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined;
    const wanted = typeof cluster.context === 'string' ? cluster.context : current;
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
  let file: 'empty' | 'missing' | 'read' = 'read';
  if (raw === undefined) {
    const path = resolve(env.BOSUN_CONFIG ?? 'bosun.yaml');
    source = path;
    baseDir = dirname(path);
    if (existsSync(path)) {
      try {
        // Blank, or nothing but comments: YAML's null.
        raw = YAML.parse(readFileSync(path, 'utf8')) ?? undefined;
        if (raw === undefined) {
          raw = {};
          file = 'empty';
        }
      } catch (error) {
        throw new ConfigError(
          [{ path: '(file)', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }],
          source,
        );
      }
    } else if (env.BOSUN_CONFIG) {
      throw new ConfigError(
        [{ path: '(file)', message: `BOSUN_CONFIG points at ${path}, which does not exist` }],
        source,
      );
    } else {
      raw = {};
      file = 'missing';
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
  const fromEnv = new Map<string, string>();
  for (const [name, path, convert] of ENV_OVERRIDES) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      setPath(merged, path, convert(value));
      fromEnv.set(path.join('.'), name);
    }
  }
  // `clusters:` with every entry commented out is YAML's null: as good as none.
  const noClusters =
    options.requireClusters === true &&
    (merged.clusters === undefined ||
      merged.clusters === null ||
      (Array.isArray(merged.clusters) && merged.clusters.length === 0));
  if (noClusters) delete merged.clusters;
  const result = ConfigSchema.safeParse(merged, { error: issueWords });
  // A value the environment set is wrong there, not in the file: say which variable.
  const named = (p: ConfigProblem): ConfigProblem => {
    const variable = fromEnv.get(p.path.replace(/\[\d+\]$/, ''));
    return variable ? { ...p, message: `${p.message} (set by ${variable})` } : p;
  };
  const problems = [
    ...(result.success ? [] : problemsFrom(result.error.issues).map(named)),
    ...crossFieldProblems(merged),
  ];
  problems.push(...kubeconfigProblems(merged, baseDir));
  if (result.success) {
    for (const cluster of result.data.clusters) cluster.kubeconfig = resolveFrom(baseDir, cluster.kubeconfig);
    resolveBackupPaths(result.data.backups, baseDir);
  }
  if (result.success && result.data.audit.file && !isAbsolute(result.data.audit.file)) {
    result.data.audit.file = resolve(baseDir, result.data.audit.file);
  }
  if (noClusters) problems.unshift(noClusterProblem(file, baseDir));
  if (problems.length > 0) {
    throw new ConfigError(dedupe(problems), source, noClusters ? MINIMAL_CONFIG_HINT : undefined);
  }
  if (!result.success) throw new ConfigError([{ path: '(top level)', message: 'invalid' }], source);
  return result.data;
}
