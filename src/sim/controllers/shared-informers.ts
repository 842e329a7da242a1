import type { Registry, ResourceRef } from '../types.js';
import { Informer } from './informer.js';
import type { SimLog } from './sim-log.js';

/** One informer per resource, shared by every controller that reads it (one cache, one watch). */
export class SharedInformers {
  private readonly informers = new Map<string, Informer>();

  constructor(
    private readonly registry: Registry,
    private readonly log: SimLog,
  ) {}

  for(ref: ResourceRef): Informer {
    const key = `${ref.group}/${ref.resource}`;
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer(this.registry, ref, this.log);
      this.informers.set(key, informer);
    }
    return informer;
  }

  private readonly started = new Set<Informer>();

  /** Starts every informer asked for so far that is not running yet. */
  async start(): Promise<void> {
    const pending = [...this.informers.values()].filter((informer) => !this.started.has(informer));
    for (const informer of pending) this.started.add(informer);
    await Promise.all(pending.map((informer) => informer.start()));
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }
}
