import type { PodState } from './drain-state.js';

interface PodRef {
  namespace: string;
  name: string;
}

/** What bosun did about a person's decision in a running drain; src/messages puts it in words. */
export type DecisionEffect =
  | { kind: 'aborting' }
  | { kind: 'kept-waiting'; pod: PodRef }
  | { kind: 'skipped'; pod: PodRef }
  | { kind: 'deleted'; pod: PodRef }
  /** The pod is not among those this drain evicts. */
  | { kind: 'not-in-drain'; pod: PodRef }
  /** The pod already reached a final state; nothing changed. */
  | { kind: 'already-final'; pod: PodRef; state: PodState }
  /** No node is draining at the moment (between nodes, or all done). */
  | { kind: 'no-node-draining'; pod: PodRef }
  | { kind: 'failed'; pod: PodRef; error: string };
