/**
 * The simulated kubelets: which nodes have a running one. A node whose kubelet is stopped posts no status and
 * runs no pod lifecycle, and the node lifecycle controller marks it NotReady, as when a machine goes down.
 */
export class NodeAgents {
  private readonly stopped = new Set<string>();
  private readonly listeners = new Set<(node: string, running: boolean) => void>();

  isRunning(node: string): boolean {
    return !this.stopped.has(node);
  }

  setRunning(node: string, running: boolean): void {
    if (this.isRunning(node) === running) return;
    if (running) this.stopped.delete(node);
    else this.stopped.add(node);
    for (const listener of this.listeners) listener(node, running);
  }

  onChange(listener: (node: string, running: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
