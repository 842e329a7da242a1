import type { ScaledClock } from '../clock/scaled-clock.js';
import type { Registry } from '../types.js';
import { startApiServiceRegistration } from './apiservice-registration.js';
import { startClusterRoleAggregation } from './cluster-role-aggregation.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { startCrdFinalizer } from './crd-finalizer.js';
import { startDaemonSetController } from './daemon-set.js';
import { startDeploymentController } from './deployment.js';
import { startEndpointsController } from './endpoints.js';
import { EventRecorders } from './events.js';
import { startGarbageCollector } from './garbage-collector.js';
import { startJobController } from './job.js';
import { startKubelets } from './kubelet.js';
import { startNamespaceController } from './namespace.js';
import { NodeAgents } from './node-agents.js';
import { startNodeLifecycle } from './node-lifecycle.js';
import { startPdbStatusController } from './pdb-status.js';
import { startPersistentVolumeController } from './persistent-volumes.js';
import { startReplicaSetController } from './replica-set.js';
import { startRootCaPublisher } from './root-ca-publisher.js';
import { startScheduler } from './scheduler.js';
import { startServiceAccountController } from './service-account.js';
import { SharedInformers } from './shared-informers.js';
import { type SimLog, silentLog } from './sim-log.js';
import { startStatefulSetController } from './stateful-set.js';

export interface RunningControllers {
  context: ControllerContext;
  stop(): Promise<void>;
}

/**
 * Starts the simulated control plane and kubelets against `registry`: the caches list first, then every
 * controller reconciles what is already there and follows the watches from then on.
 */
export async function startControllers(options: {
  registry: Registry;
  clock: ScaledClock;
  log?: SimLog;
  agents?: NodeAgents;
  /** The cluster CA `kube-root-ca.crt` carries in every namespace; no publisher without one. */
  rootCaPem?: string;
}): Promise<RunningControllers> {
  const log = options.log ?? silentLog;
  const context: ControllerContext = {
    registry: options.registry,
    clock: options.clock,
    informers: new SharedInformers(options.registry, log),
    agents: options.agents ?? new NodeAgents(),
    log,
    events: new EventRecorders(options.registry, options.clock, log),
  };
  const controllers: Controller[] = [
    startScheduler(context),
    startKubelets(context),
    startNodeLifecycle(context),
    startReplicaSetController(context),
    startDeploymentController(context),
    startDaemonSetController(context),
    startStatefulSetController(context),
    startPersistentVolumeController(context),
    startJobController(context),
    startPdbStatusController(context),
    startNamespaceController(context),
    startCrdFinalizer(context),
    startGarbageCollector(context),
    startApiServiceRegistration(context),
    startServiceAccountController(context),
    startEndpointsController(context),
    startClusterRoleAggregation(context),
  ];
  if (options.rootCaPem) controllers.push(startRootCaPublisher(context, options.rootCaPem));
  await context.informers.start();
  context.events.start();
  for (const controller of controllers) controller.start();
  return {
    context,
    async stop() {
      await Promise.all(controllers.map((controller) => controller.stop()));
      await context.events.stop();
      context.informers.stop();
    },
  };
}
