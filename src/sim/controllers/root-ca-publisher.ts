import type { KubeObject } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { resources } from './resources.js';
import { startPerNamespaceController } from './service-account.js';

/** pkg/controller/certificates/rootcacertpublisher/publisher.go */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export function rootCaConfigMap(namespace: string, caPem: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: ROOT_CA_CONFIGMAP,
      namespace,
      annotations: { 'kubernetes.io/description': DESCRIPTION },
    },
    data: { 'ca.crt': caPem },
  };
}

/** The root-CA publisher: `kube-root-ca.crt` with the cluster CA in every active namespace. */
export function startRootCaPublisher(context: ControllerContext, caPem: string): Controller {
  return startPerNamespaceController(context, {
    name: 'root-ca-cert-publisher',
    ref: resources.configMaps,
    objectName: ROOT_CA_CONFIGMAP,
    build: (namespace) => rootCaConfigMap(namespace, caPem),
  });
}
