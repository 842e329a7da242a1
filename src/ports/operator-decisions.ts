import { z } from 'zod';

const pod = z.object({ namespace: z.string().min(1), name: z.string().min(1) });

/** What a person decided with a button in the request's thread, on its way to the running job. */
export const OperatorDecision = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keep-waiting'), pod, by: z.string() }),
  z.object({ kind: z.literal('skip-pod'), pod, by: z.string() }),
  z.object({ kind: z.literal('delete-pod'), pod, by: z.string() }),
  z.object({ kind: z.literal('abort'), by: z.string() }),
  z.object({ kind: z.literal('maintenance-done'), by: z.string() }),
]);
export type OperatorDecision = z.infer<typeof OperatorDecision>;

/** The decisions sent to one running request, oldest first; each is taken once. */
export interface OperatorDecisions {
  take(signal?: AbortSignal): Promise<OperatorDecision[]>;
}
