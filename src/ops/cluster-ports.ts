import type { NodeCapacities } from '../ports/node-capacity.js';
import type { ServerVersion } from '../ports/server-version.js';
import type { DrainPorts } from './drain/drain-ports.js';

/** Every port an operation may use on its cluster; the worker builds them for each request (WorkerDeps.ports). */
export type ClusterPorts = DrainPorts & { capacity: NodeCapacities; version: ServerVersion };
