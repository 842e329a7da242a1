import type { ScaledClock } from '../clock/scaled-clock.js';
import type { Registry } from '../types.js';
import type { EventRecorders } from './events.js';
import type { NodeAgents } from './node-agents.js';
import type { SharedInformers } from './shared-informers.js';
import type { SimLog } from './sim-log.js';

/** What every controller is built from. Controllers write only through the Registry. */
export interface ControllerContext {
  registry: Registry;
  clock: ScaledClock;
  informers: SharedInformers;
  /** Which simulated kubelets are running (fault injection stops them). */
  agents: NodeAgents;
  log: SimLog;
  /** The components' event recorders (client-go's tools/record and tools/events). */
  events: EventRecorders;
}

/** A running controller. */
export interface Controller {
  readonly name: string;
  /** Reconciles everything already in the caches; called once the informers have listed. */
  start(): void;
  stop(): Promise<void>;
}
