import type { KubeObject } from '../types.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import { internalError, invalid } from './status-errors.js';

/** The default `--service-cluster-ip-range` (kubeadm, kind, minikube). */
export const SERVICE_CIDR = '10.96.0.0/12';
/** The default `--service-node-port-range`. */
export const NODE_PORT_RANGE = { base: 30000, size: 2768 } as const;

const CIDR_BASE = ipToNumber('10.96.0.0');
const CIDR_SIZE = 2 ** 20;
/**
 * The static bands (KEP-3070 for IPs, KEP-3668 for node ports): random allocation takes the upper part first, so
 * the lower part stays free for addresses people pick themselves (`kubernetes` 10.96.0.1, `kube-dns` 10.96.0.10).
 * Band size: min(max(16, size/16), 256) addresses; min(max(16, size/32), 128) ports.
 */
const IP_STATIC_BAND = Math.min(Math.max(16, Math.floor(CIDR_SIZE / 16)), 256);
const PORT_STATIC_BAND = Math.min(Math.max(16, Math.floor(NODE_PORT_RANGE.size / 32)), 128);

const ALLOCATED_IP = 'provided IP is already allocated';
const IP_NOT_IN_RANGE = `provided IP is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`;
const ALLOCATED_PORT = 'provided port is already allocated';
const PORT_NOT_IN_RANGE = `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.base}-${NODE_PORT_RANGE.base + NODE_PORT_RANGE.size - 1}`;

interface Held {
  ips: Set<number>;
  ports: Set<number>;
}

/**
 * Service clusterIP and NodePort allocation (pkg/registry/core/service/storage/alloc.go with the bitmap allocators):
 * who holds which address and port, by the holder's uid. Built from the stored Services on first use, so it
 * survives a restart over the same store and counts seeded objects; every method after `ready()` is synchronous
 * and idempotent per uid, so a write that retries its compare-and-swap simply claims again.
 */
export class ServiceAllocator {
  private readonly ipOwners = new Map<number, string>();
  private readonly portOwners = new Map<number, string>();
  private readonly held = new Map<string, Held>();
  private loading: Promise<void> | undefined;

  constructor(
    private readonly loadServices: () => Promise<KubeObject[]>,
    private readonly random: () => number,
  ) {}

  /** Rebuilds the allocation state from the store once. */
  ready(): Promise<void> {
    this.loading ??= this.loadServices().then((services) => {
      for (const service of services) {
        const uid = service.metadata.uid;
        if (!uid) continue;
        const { ips, ports } = holdingsOf(service);
        for (const ip of ips) if (!this.ipOwners.has(ip)) this.ipOwners.set(ip, uid);
        for (const port of ports) if (!this.portOwners.has(port)) this.portOwners.set(port, uid);
        this.held.set(uid, { ips, ports });
      }
    });
    return this.loading;
  }

  /**
   * Create: fills in `clusterIP(s)` and node ports the client left out (and the type's defaults those need),
   * claims what the client asked for, or throws the allocator's 422. Dry run checks without claiming.
   */
  allocate(service: KubeObject, dryRun: boolean): void {
    const spec = specOf(service);
    if (!spec) return;
    defaultServiceTypeFields(spec);
    if (spec.type !== 'ExternalName') {
      if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && !Array.isArray(spec.clusterIPs))
        spec.clusterIPs = [spec.clusterIP];
      if (spec.clusterIP === 'None' || (Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === 'None')) {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      }
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    this.claim(service, undefined, dryRun);
  }

  /**
   * Update: keeps the values the client left out (patchAllocatedValues), keeps clusterIP and clusterIPs in step
   * (normalizeClusterIPs), then claims what is new and releases what the update gave up.
   */
  reallocate(before: KubeObject, after: KubeObject, dryRun: boolean): void {
    const spec = specOf(after);
    const old = specOf(before);
    if (!spec || !old) return;
    defaultServiceTypeFields(spec);
    patchAllocatedValues(old, spec);
    normalizeClusterIPs(old, spec);
    if (spec.type !== 'ExternalName') {
      spec.ipFamilies ??= old.ipFamilies ?? ['IPv4'];
      spec.ipFamilyPolicy ??= old.ipFamilyPolicy ?? 'SingleStack';
    }
    this.claim(after, before, dryRun);
  }

  /** Gives back what the object holds (after a delete, or when a create that claimed failed). */
  release(uid: string | undefined): void {
    if (!uid) return;
    const held = this.held.get(uid);
    if (!held) return;
    for (const ip of held.ips) if (this.ipOwners.get(ip) === uid) this.ipOwners.delete(ip);
    for (const port of held.ports) if (this.portOwners.get(port) === uid) this.portOwners.delete(port);
    this.held.delete(uid);
  }

  /** Puts the holdings back as `object` has them (an update that failed after claiming). */
  restore(object: KubeObject): void {
    const uid = object.metadata.uid;
    if (!uid) return;
    this.release(uid);
    const { ips, ports } = holdingsOf(object);
    for (const ip of ips) this.ipOwners.set(ip, uid);
    for (const port of ports) this.portOwners.set(port, uid);
    this.held.set(uid, { ips, ports });
  }

  private claim(service: KubeObject, before: KubeObject | undefined, dryRun: boolean): void {
    const uid = service.metadata.uid ?? '';
    const name = service.metadata.name ?? '';
    const spec = specOf(service) ?? {};
    const ips = new Set<number>();
    const ports = new Set<number>();
    const oldSpec = before ? specOf(before) : undefined;
    const hadIp = oldSpec ? holdingsOf(before as KubeObject).ips : new Set<number>();
    const hadPorts = oldSpec ? holdingsOf(before as KubeObject).ports : new Set<number>();

    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
      const requested =
        typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? spec.clusterIP : undefined;
      if (requested === undefined) {
        const ip = this.nextFreeIp(uid);
        spec.clusterIP = numberToIp(ip);
        spec.clusterIPs = [spec.clusterIP];
        ips.add(ip);
      } else if (!before || !hadIp.has(ipToNumber(requested))) {
        const ip = parseInRange(requested);
        const fail = (why: string) =>
          invalid('Service', '', name, [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${goStrings(Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [requested])}: failed to allocate IP ${requested}: ${why}`,
              field: 'spec.clusterIPs',
            },
          ]);
        if (ip === undefined) throw fail(IP_NOT_IN_RANGE);
        const owner = this.ipOwners.get(ip);
        if (owner !== undefined && owner !== uid) throw fail(ALLOCATED_IP);
        ips.add(ip);
      } else {
        ips.add(ipToNumber(requested));
      }
    }

    const needsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    const allocateNew = spec.type === 'NodePort' || spec.allocateLoadBalancerNodePorts !== false;
    const servicePorts = Array.isArray(spec.ports) ? spec.ports : [];
    const byServicePort = new Map<number, number>();
    servicePorts.forEach((port, index) => {
      if (!isJsonObject(port)) return;
      if (!needsNodePorts) {
        delete port.nodePort;
        return;
      }
      const requested = typeof port.nodePort === 'number' && port.nodePort !== 0 ? port.nodePort : undefined;
      const servicePort = typeof port.port === 'number' ? port.port : -1;
      if (requested === undefined) {
        if (!allocateNew) return;
        const shared = byServicePort.get(servicePort);
        const chosen = shared ?? this.nextFreePort(uid, ports);
        port.nodePort = chosen;
        ports.add(chosen);
        byServicePort.set(servicePort, chosen);
        return;
      }
      if (!ports.has(requested) && !hadPorts.has(requested)) {
        const fail = (why: string) =>
          invalid('Service', '', name, [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${requested}: ${why}`,
              field: `spec.ports[${index}].nodePort`,
            },
          ]);
        if (requested < NODE_PORT_RANGE.base || requested >= NODE_PORT_RANGE.base + NODE_PORT_RANGE.size)
          throw fail(PORT_NOT_IN_RANGE);
        const owner = this.portOwners.get(requested);
        if (owner !== undefined && owner !== uid) throw fail(ALLOCATED_PORT);
      }
      ports.add(requested);
      byServicePort.set(servicePort, requested);
    });

    if (dryRun) return;
    const previous = this.held.get(uid);
    if (previous) {
      for (const ip of previous.ips)
        if (!ips.has(ip) && this.ipOwners.get(ip) === uid) this.ipOwners.delete(ip);
      for (const port of previous.ports)
        if (!ports.has(port) && this.portOwners.get(port) === uid) this.portOwners.delete(port);
    }
    for (const ip of ips) this.ipOwners.set(ip, uid);
    for (const port of ports) this.portOwners.set(port, uid);
    this.held.set(uid, { ips, ports });
  }

  private nextFreeIp(uid: string): number {
    // Usable offsets are 1 … size-2 (not the network or broadcast address); the dynamic band is above the static one.
    const found =
      this.scan(IP_STATIC_BAND + 1, CIDR_SIZE - 2, (offset) => this.ipFree(CIDR_BASE + offset, uid)) ??
      this.scan(1, IP_STATIC_BAND, (offset) => this.ipFree(CIDR_BASE + offset, uid));
    if (found === undefined) throw internalError('failed to allocate a serviceIP: range is full');
    return CIDR_BASE + found;
  }

  private nextFreePort(uid: string, taken: Set<number>): number {
    const free = (port: number) => !taken.has(port) && this.portFree(port, uid);
    const last = NODE_PORT_RANGE.base + NODE_PORT_RANGE.size - 1;
    const found =
      this.scan(NODE_PORT_RANGE.base + PORT_STATIC_BAND, last, free) ??
      this.scan(NODE_PORT_RANGE.base, NODE_PORT_RANGE.base + PORT_STATIC_BAND - 1, free);
    if (found === undefined) throw internalError('failed to allocate a nodePort: range is full');
    return found;
  }

  private ipFree(ip: number, uid: string): boolean {
    const owner = this.ipOwners.get(ip);
    return owner === undefined || owner === uid;
  }

  private portFree(port: number, uid: string): boolean {
    const owner = this.portOwners.get(port);
    return owner === undefined || owner === uid;
  }

  /** A random start in [from, to], then the next free value after it, wrapping around. */
  private scan(from: number, to: number, free: (value: number) => boolean): number | undefined {
    const size = to - from + 1;
    if (size <= 0) return undefined;
    const start = Math.floor(this.random() * size);
    for (let i = 0; i < size; i++) {
      const value = from + ((start + i) % size);
      if (free(value)) return value;
    }
    return undefined;
  }
}

function specOf(object: KubeObject): JsonObject | undefined {
  return isJsonObject(object.spec) ? object.spec : undefined;
}

/** The fields validation requires once a Service is NodePort or LoadBalancer. */
function defaultServiceTypeFields(spec: JsonObject): void {
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** What a stored Service holds: its clusterIP (if in range) and node ports. */
function holdingsOf(service: KubeObject): Held {
  const spec = specOf(service) ?? {};
  const ips = new Set<number>();
  const ports = new Set<number>();
  if (spec.type !== 'ExternalName' && typeof spec.clusterIP === 'string') {
    const ip = parseInRange(spec.clusterIP);
    if (ip !== undefined) ips.add(ip);
  }
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (isJsonObject(port) && typeof port.nodePort === 'number' && port.nodePort !== 0)
      ports.add(port.nodePort);
  }
  return { ips, ports };
}

/** pkg/registry/core/service/storage: values a client may leave out on update without giving them up. */
function patchAllocatedValues(old: JsonObject, spec: JsonObject): void {
  if (old.type !== 'ExternalName' && spec.type !== 'ExternalName') {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = old.clusterIP;
    if ((!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) && Array.isArray(old.clusterIPs))
      spec.clusterIPs = old.clusterIPs;
    if (spec.clusterIP === undefined) delete spec.clusterIP;
    if (spec.clusterIPs === undefined) delete spec.clusterIPs;
  }
  const needsNodePort = (s: JsonObject) => s.type === 'NodePort' || s.type === 'LoadBalancer';
  if (needsNodePort(old) && needsNodePort(spec)) {
    const oldPorts = (Array.isArray(old.ports) ? old.ports : []).filter(isJsonObject);
    const newPorts = (Array.isArray(spec.ports) ? spec.ports : []).filter(isJsonObject);
    const used = (ports: JsonObject[]) =>
      new Set(ports.map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n !== 0));
    const newUsed = used(newPorts);
    const stillUsed = new Set([...used(oldPorts)].filter((n) => newUsed.has(n)));
    const byName = new Map(oldPorts.map((p) => [String(p.name ?? ''), p.nodePort]));
    for (const port of newPorts) {
      if (typeof port.nodePort === 'number' && port.nodePort !== 0) continue;
      const previous = byName.get(String(port.name ?? ''));
      if (typeof previous === 'number' && !stillUsed.has(previous)) port.nodePort = previous;
    }
  }
}

/** normalizeClusterIPs for updates: an old client changing only `clusterIP` changes `clusterIPs` with it. */
function normalizeClusterIPs(old: JsonObject, spec: JsonObject): void {
  const oldIps = Array.isArray(old.clusterIPs) ? old.clusterIPs : [];
  const newIps = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (oldIps.length > 0 && newIps.length === 0 && old.clusterIP === spec.clusterIP) spec.clusterIPs = oldIps;
  if (old.clusterIP === spec.clusterIP) return;
  const same = JSON.stringify(oldIps) === JSON.stringify(spec.clusterIPs ?? []);
  if (typeof old.clusterIP === 'string' && old.clusterIP !== '' && !spec.clusterIP) {
    if (same) delete spec.clusterIPs;
  } else if (same && typeof spec.clusterIP === 'string') {
    spec.clusterIPs = [spec.clusterIP];
  }
}

/** Go's `%#v` of a `[]string`. */
export function goStrings(values: unknown[]): string {
  return `[]string{${values.map((v) => JSON.stringify(String(v))).join(', ')}}`;
}

function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return Number.NaN;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return Number.NaN;
    value = value * 256 + Number(part);
  }
  return value;
}

function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The address as a number when it is a usable address of the range (not its network or broadcast address). */
function parseInRange(ip: string): number | undefined {
  const value = ipToNumber(ip);
  if (Number.isNaN(value)) return undefined;
  const offset = value - CIDR_BASE;
  return offset >= 1 && offset <= CIDR_SIZE - 2 ? value : undefined;
}
