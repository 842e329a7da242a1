import { z } from 'zod';

const userId = z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id like UALICE');
const channelId = z.string().regex(/^[CGD][A-Z0-9]+$/, 'a Slack channel id like COPS');

/** Bodies of the console API's POST routes. */
export const commandRequestSchema = z.object({
  text: z.string().max(4000),
  user: userId.optional(),
  channel: channelId.optional(),
});

export const clickRequestSchema = z.object({
  ts: z.string().regex(/^\d+\.\d+$/, 'a message ts like 1700000000.000100'),
  actionId: z.string().min(1),
  user: userId,
  channel: channelId.optional(),
  value: z.string().optional(),
});

export const submitRequestSchema = z.object({
  viewId: z.string().regex(/^V[A-Z0-9]+$/, 'a view id like V0123ABCD'),
  values: z.record(z.string(), z.unknown()),
  user: userId,
});

export const closeRequestSchema = z.object({
  viewId: z.string().regex(/^V[A-Z0-9]+$/, 'a view id like V0123ABCD'),
  user: userId,
});
