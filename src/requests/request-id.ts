import { createHash } from 'node:crypto';

/**
 * A request's id, derived from Slack's `trigger_id` so that a redelivered command (Slack retries, a double
 * submit) maps to the same request and therefore the same BullMQ job. `r-` plus 12 base-32 characters:
 * never an integer and never contains ':' (both rejected as BullMQ job ids).
 */
export function requestIdFromTrigger(triggerId: string): string {
  const digest = createHash('sha256').update(triggerId).digest();
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  let id = '';
  for (let i = 0; i < 12; i++) id += alphabet[(digest[i] ?? 0) % alphabet.length];
  return `r-${id}`;
}
