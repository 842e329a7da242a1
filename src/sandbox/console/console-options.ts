import { z } from 'zod';
import type { SlackStandIn } from '../slack/slack-stand-in.js';

export const sandboxConsoleOptionsSchema = z.object({
  /** The sandbox's public port. */
  port: z.number().int().min(0).max(65535).default(3000),
  host: z.string().default('127.0.0.1'),
  standIn: z.custom<SlackStandIn>(
    (value) => typeof value === 'object' && value !== null && 'slashCommand' in value,
  ),
  /** The kubeconfig that points kubectl at the sandbox's cluster. */
  kubeconfig: z.custom<() => string>((value) => typeof value === 'function'),
  defaultChannel: z.string().default('COPS'),
  defaultUser: z.string().default('UALICE'),
  command: z.string().startsWith('/').default('/bosun'),
  /** A node of the running cluster, for the composer's placeholder (`/bosun drain worker-1`). */
  exampleNode: z.string().optional(),
});

export type SandboxConsoleOptions = z.input<typeof sandboxConsoleOptionsSchema>;
export type ResolvedSandboxConsoleOptions = z.output<typeof sandboxConsoleOptionsSchema>;
