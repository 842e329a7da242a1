import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';

export const slackUserSchema = z.object({
  id: z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id starts with U or W'),
  name: z.string().min(1),
  realName: z.string().optional(),
  isBot: z.boolean().default(false),
  botId: z.string().optional(),
  email: z.string().optional(),
  tz: z.string().default('Etc/UTC'),
});

export const slackChannelSchema = z.object({
  id: z.string().regex(/^[CGD][A-Z0-9]+$/, 'a Slack channel id starts with C, G or D'),
  name: z.string().min(1),
  isPrivate: z.boolean().default(false),
});

export const slackUsergroupSchema = z.object({
  id: z.string().regex(/^S[A-Z0-9]+$/, 'a Slack user group id starts with S'),
  handle: z.string().min(1),
  name: z.string().optional(),
  users: z.array(z.string()),
});

export const slackTeamSchema = z.object({
  id: z.string().regex(/^T[A-Z0-9]+$/),
  domain: z.string().min(1),
  name: z.string().min(1),
});

/** Where Slack sends slash commands and interactivity: the bot's Request URL, or its Socket Mode connection. */
export const slackDeliverySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('http'), url: z.url() }),
  z.object({ mode: z.literal('socket') }),
]);

export const slackStandInOptionsSchema = z.object({
  signingSecret: z.string().min(1),
  botToken: z.string().min(1),
  appToken: z.string().min(1).optional(),
  delivery: slackDeliverySchema,
  /** How bosun turns a trigger_id into a request id; recorded messages answering a delivery carry it. */
  requestIdOf: z.custom<(triggerId: string) => string>((value) => typeof value === 'function').optional(),
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().default('127.0.0.1'),
  users: z.array(slackUserSchema).default([
    { id: 'UALICE', name: 'alice', realName: 'Alice Operator', isBot: false, tz: 'Etc/UTC' },
    { id: 'UBOB', name: 'bob', realName: 'Bob Operator', isBot: false, tz: 'Etc/UTC' },
  ]),
  channels: z.array(slackChannelSchema).default([{ id: 'COPS', name: 'ops', isPrivate: false }]),
  usergroups: z
    .array(slackUsergroupSchema)
    .default([{ id: 'SOPERATORS', handle: 'operators', name: 'Operators', users: ['UALICE', 'UBOB'] }]),
  team: slackTeamSchema.default({ id: 'TBOSUN', domain: 'bosun-sandbox', name: 'Bosun Sandbox' }),
  bot: z
    .object({ userId: z.string(), botId: z.string(), appId: z.string(), name: z.string() })
    .default({ userId: 'UBOSUN', botId: 'BBOSUN', appId: 'ABOSUN', name: 'bosun' }),
  /** How long Slack waits for an ack before telling the user `operation_timeout`. */
  ackTimeoutMs: z.number().int().positive().default(3000),
  clock: z.custom<Clock>((value) => typeof value === 'object' && value !== null && 'now' in value).optional(),
});

export type SlackStandInOptions = z.input<typeof slackStandInOptionsSchema>;
export type ResolvedSlackStandInOptions = z.output<typeof slackStandInOptionsSchema>;
export type SlackDelivery = z.output<typeof slackDeliverySchema>;
export type SlackUserOption = z.output<typeof slackUserSchema>;
export type SlackChannelOption = z.output<typeof slackChannelSchema>;
export type SlackUsergroupOption = z.output<typeof slackUsergroupSchema>;
export type SlackTeam = z.output<typeof slackTeamSchema>;
export type SlackBotIdentity = ResolvedSlackStandInOptions['bot'];
