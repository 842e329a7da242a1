import { z } from 'zod';
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

export const ConfigSchema = z.strictObject({
  slack: SlackSchema,
  redis: z
    .strictObject({
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
        .default('redis://127.0.0.1:6379'),
      /** Key prefix for every key bosun writes (BullMQ prefix included). No ':'. */
      prefix: z
        .string()
        .regex(/^[a-zA-Z0-9_-]+$/, 'must be letters, digits, _ or - (no colon)')
        .default('bosun'),
    })
    .prefault({}),
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
  /** Who may request and approve what, per cluster and command (src/config/policy-schema.ts). */
  policy: PolicySchema.prefault({}),
  audit: AuditSchema.prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ClusterConfig = z.infer<typeof ClusterSchema>;
