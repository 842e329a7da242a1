import { z } from 'zod';
import { PREFIX_PATTERN } from '../queue/keys.js';
import { AuditSchema, PolicySchema } from './policy-schema.js';

/** Slack ids: channels C…/G…, users U…/W…. Checked loosely: Slack adds prefixes over time. */
export const channelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD (not a #name)');
export const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD');

export const clusterName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes (max 40)');

export const ClusterSchema = z.strictObject({
  name: clusterName,
  /** Path of the kubeconfig file; relative paths are taken from the config file's folder. */
  kubeconfig: z.string().min(1, 'is required: the path of a kubeconfig file'),
  /** Context inside the kubeconfig; its current-context when omitted. */
  context: z.string().min(1).optional(),
  /** Channels that may address this cluster. */
  channels: z.array(channelId).min(1, 'needs at least one channel that may address this cluster'),
  /** Channels (among `channels`) where this cluster is the default when a command names none. */
  defaultIn: z.array(channelId).default([]),
});

/** Cross-field rules (tokens per mode, unique names, one default per channel) live in cross-checks.ts. */
export const SlackSchema = z.strictObject({
  mode: z.enum(['http', 'socket']).default('http'),
  /** The slash command as registered in the Slack app. */
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, 'must look like /bosun (lowercase, at most 32 characters)')
    .default('/bosun'),
  signingSecret: z.string().min(1).optional(),
  botToken: z.string().min(1).optional(),
  appToken: z.string().min(1).optional(),
  /** Port of the HTTP receiver (`mode: http`); Slack posts to http://host:port/slack/events. */
  port: z.number().int().min(0).max(65535).default(3000),
  /** Web API base URL; only the sandbox and tests change it. */
  apiUrl: z.url().optional(),
});

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** `host:port` of a Sentinel or a Cluster seed node; IPv6 hosts in brackets (`[::1]:6379`). */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?):([1-9][0-9]{0,4})$/;
export const hostPort = z
  .string()
  .regex(HOST_PORT, 'must be host:port, such as 10.0.0.5:6379')
  .refine(
    (v) => !HOST_PORT.test(v) || Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535,
    'has a port above 65535',
  );

const MODES =
  'set one of redis.url (REDIS_URL), redis.sentinels (BOSUN_REDIS_SENTINELS) or redis.cluster (BOSUN_REDIS_CLUSTER)';

/**
 * Where Redis is, in exactly one of three modes: one server (`url`, the default), a master found through
 * Sentinel (`sentinels` + `sentinelName`), or a Redis Cluster (`cluster`, its seed nodes). Whatever the mode,
 * every key carries the prefix's hash tag (src/queue/keys.ts), so a Cluster keeps one installation in one slot.
 */
export const RedisSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    /** Sentinels to ask for the current master, `host:port` each. */
    sentinels: z.array(hostPort).min(1, 'needs at least one sentinel as host:port').optional(),
    /** The master's name, as in the sentinels' `sentinel monitor <name> …`. */
    sentinelName: z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/, 'must be the master name from `sentinel monitor <name> …`')
      .optional(),
    /** Seed nodes of a Redis Cluster, `host:port` each; the rest are discovered. */
    cluster: z.array(hostPort).min(1, 'needs at least one seed node as host:port').optional(),
    /**
     * What every key bosun writes starts with, BullMQ's included, as the hash tag `{prefix}`. No braces, no ':'.
     */
    prefix: z
      .string()
      .regex(
        PREFIX_PATTERN,
        'must be letters, digits, _ or - (no braces, no colon): bosun adds the {…} itself',
      )
      .default('bosun'),
  })
  .superRefine((redis, ctx) => {
    const modes = [
      redis.url !== undefined && 'redis.url',
      redis.sentinels !== undefined && 'redis.sentinels',
      redis.cluster !== undefined && 'redis.cluster',
    ].filter((m): m is string => m !== false);
    if (modes.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [modes[1]?.slice('redis.'.length) ?? 'url'],
        message: `${modes.join(' and ')} are different ways to reach Redis; ${MODES}, not several`,
      });
    }
    if (redis.sentinels !== undefined && redis.sentinelName === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sentinelName'],
        message:
          'is required with redis.sentinels (BOSUN_REDIS_SENTINEL_NAME): the master name from `sentinel monitor <name> …`',
      });
    }
    if (redis.sentinelName !== undefined && redis.sentinels === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sentinelName'],
        message:
          'is only used with redis.sentinels (BOSUN_REDIS_SENTINELS); list the sentinels too, or remove it',
      });
    }
  })
  .transform((redis) =>
    redis.sentinels === undefined && redis.cluster === undefined
      ? { ...redis, url: redis.url ?? DEFAULT_REDIS_URL }
      : redis,
  );

/** Git and S3 leave Secrets out of unencrypted backups unless this says otherwise (src/backup). */
const includeSecretsUnencrypted = z.boolean().default(false);
/** A folder inside a repository or bucket: plain segments, no `..`. */
const storeFolder = z
  .string()
  .regex(
    /^\/?([A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]*\/?$/,
    'must be a folder like `backups/prod` (letters, digits, . _ -)',
  )
  .refine((p) => !p.split('/').includes('..'), 'must not contain `..`');

/** `backups.notify`: where scheduled backups report, and whom a failure calls. */
export const NotifySchema = z.strictObject({
  /** The channel for every schedule's notifications; by default the channel each schedule was set in. */
  channel: channelId.optional(),
  /** Mentioned on a failure or a missed backup: user ids (U…) or user group ids (S…). */
  owners: z
    .array(z.string().regex(/^[UWS][A-Z0-9]{2,}$/, 'must be a Slack user id (U…) or user group id (S…)'))
    .default([]),
  /** How often a worker looks for schedules with no good backup within two runs. */
  missedCheckEveryMs: z.number().int().min(100).max(86_400_000).default(60_000),
});
export type NotifyConfig = z.infer<typeof NotifySchema>;

export const BackupsSchema = z
  .strictObject({
    store: z
      .discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('local'),
          /** A folder; relative paths are taken from the config file's folder. One subfolder per cluster. */
          path: z.string().min(1).default('backups'),
        }),
        z.strictObject({
          type: z.literal('git'),
          /** A URL git understands, or a path (relative ones start `./` or `../`, from the config file's folder). */
          repository: z.string().min(1),
          branch: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be a branch name like `main` or `backups/prod`')
            .default('main'),
          /** A folder inside the repository; backups go under `<path>/<cluster>/`. */
          path: storeFolder.optional(),
          /** Bosun's clone; a folder under the system's temp folder when absent. */
          cacheDir: z.string().min(1).optional(),
          authorName: z.string().min(1).default('bosun'),
          authorEmail: z.string().min(1).default('bosun@localhost'),
          includeSecretsUnencrypted,
        }),
        z.strictObject({
          type: z.literal('s3'),
          bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
          prefix: storeFolder.default(''),
          region: z.string().min(1).default('us-east-1'),
          /** An S3-compatible server (MinIO, Ceph, R2, …); AWS when absent. */
          endpoint: z.url().optional(),
          forcePathStyle: z.boolean().default(false),
          /** Not a secret; or name the variable holding it. Absent with the rest: the SDK's own chain. */
          accessKeyId: z.string().min(1).optional(),
          accessKeyIdEnv: z.string().min(1).optional(),
          secretAccessKeyEnv: z.string().min(1).optional(),
          secretAccessKeyFile: z.string().min(1).optional(),
          /** The secret is never in the config file. */
          secretAccessKey: z
            .never({
              error:
                'is not read from the config file: put it in an environment variable (secretAccessKeyEnv) or a file (secretAccessKeyFile)',
            })
            .optional(),
          checksums: z.enum(['when_required', 'when_supported']).default('when_required'),
          /** Where a backup is written before its upload; the system's temp folder when absent. */
          stagingDir: z.string().min(1).optional(),
          includeSecretsUnencrypted,
        }),
      ])
      .prefault({ type: 'local' }),
    /** Encryption at rest of every artifact (src/backup/encryption.ts); a 32-byte key from a file or a variable. */
    encryption: z
      .strictObject({
        keyFile: z.string().min(1).optional(),
        keyEnv: z.string().min(1).optional(),
        /** Recorded in each manifest: names the key a restore needs. */
        keyId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be a short name like `backups-2026`'),
      })
      .optional(),
    /** Where scheduled backups report, and whom a failure calls (src/schedules; defaults in NotifySchema). */
    notify: NotifySchema.optional(),
    /**
     * `backup verify` ends with a restore drill: the backup restored into a scratch simulated cluster started by
     * the worker and thrown away (src/backup/restore-drill.ts). Off, verify stops after the dry run.
     */
    drill: z.boolean().default(true),
  })
  .superRefine((backups, ctx) => {
    const encryption = backups.encryption;
    if (encryption && (encryption.keyFile === undefined) === (encryption.keyEnv === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['encryption'],
        message: 'needs exactly one of keyFile (a file holding the key) or keyEnv (a variable holding it)',
      });
    }
    const store = backups.store;
    if (store.type === 's3' && store.secretAccessKeyEnv && store.secretAccessKeyFile) {
      ctx.addIssue({
        code: 'custom',
        path: ['store', 'secretAccessKeyFile'],
        message: 'is set with secretAccessKeyEnv: choose one',
      });
    }
    if (store.type === 's3' && store.accessKeyId && store.accessKeyIdEnv) {
      ctx.addIssue({
        code: 'custom',
        path: ['store', 'accessKeyIdEnv'],
        message: 'is set with accessKeyId: choose one',
      });
    }
  });
export type BackupsConfig = z.infer<typeof BackupsSchema>;

export const ConfigSchema = z
  .strictObject({
    slack: SlackSchema.prefault({}),
    redis: RedisSchema.prefault({}),
    health: z
      .strictObject({
        botPort: z.number().int().min(0).max(65535).default(8081),
        workerPort: z.number().int().min(0).max(65535).default(8082),
      })
      .prefault({}),
    worker: z
      .strictObject({
        concurrency: z.number().int().min(1).max(64).default(4),
        /** How long a job's lock lives without renewal; a killed worker's job is picked up after this. */
        lockDurationMs: z.number().int().min(500).default(30_000),
        stalledIntervalMs: z.number().int().min(500).default(30_000),
      })
      .prefault({}),
    /** How a slash command is made durable before its ack (src/queue/intake-queue.ts). */
    intake: z
      .strictObject({
        /** The longest the ack waits for Redis to record the command (Slack gives 3 s in all). */
        ackBudgetMs: z.number().int().min(100).max(2500).default(1500),
        /** When a worker finishes a recorded command the bot did not (the bot died). */
        backstopMs: z.number().int().min(500).max(600_000).default(5000),
        /** How often a worker sweeps requests left between steps (src/requests/reconciler.ts). */
        reconcileEveryMs: z.number().int().min(100).max(3_600_000).default(30_000),
        /** How old an open request must be before the sweep looks at it. */
        reconcileAfterMs: z.number().int().min(0).max(86_400_000).default(60_000),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      })
      .prefault({}),
    clusters: z.array(ClusterSchema).default([]),
    /** Node operations (drain, cordon, maintain). */
    drain: z
      .strictObject({
        /** A pod its budget keeps blocked this long gets an explanation with buttons in the thread. */
        stuckAfterSeconds: z.number().int().min(1).default(60),
        /** A node lock lives this long without renewal: a dead worker's lock frees itself after it. */
        lockTtlMs: z.number().int().min(1000).default(30_000),
      })
      .prefault({}),
    /**
     * The locks shown to the cluster: a coordination.k8s.io Lease per locked node (`bosun-node-<node>`) or
     * cluster (`bosun-cluster`), held as `<installation>/<request id>` (src/adapters/k8s/kube-lease-locks.ts).
     */
    leases: z
      .strictObject({
        enabled: z.boolean().default(true),
        namespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name (a DNS label)')
          .max(63)
          .default('kube-system'),
        /** This installation's name in the Leases' holder; defaults to `redis.prefix`. */
        installation: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be letters, digits, ".", "_" or "-", at most 63')
          .optional(),
      })
      .prefault({}),
    /** Where backups are kept (src/backup). */
    backups: BackupsSchema.prefault({}),
    /** Who may request and approve what, per cluster and command (src/config/policy-schema.ts). */
    policy: PolicySchema.prefault({}),
    audit: AuditSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    // A node lock that can expire while its job is still held lets a second drain take the node from a worker
    // that merely stalled; the node lock must outlive the job lock.
    if (config.drain.lockTtlMs < config.worker.lockDurationMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['drain', 'lockTtlMs'],
        message: `is ${config.drain.lockTtlMs} ms, shorter than worker.lockDurationMs (${config.worker.lockDurationMs} ms); a node lock must live at least as long as the job lock that holds it (raise drain.lockTtlMs or lower worker.lockDurationMs)`,
      });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;
export type RedisConfig = Config['redis'];
export type ClusterConfig = z.infer<typeof ClusterSchema>;
