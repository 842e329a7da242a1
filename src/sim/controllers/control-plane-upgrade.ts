import type { Registry } from '../types.js';
import { resources } from './resources.js';

const upgraded = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);

/**
 * What `kubeadm upgrade apply` leaves behind on the control-plane nodes besides `/version`: the static pods
 * of the API server, controller manager and scheduler run the new image. Node versions do not change.
 */
export async function upgradeControlPlaneImages(registry: Registry, version: string): Promise<void> {
  const { items } = await registry.list(resources.pods, {
    namespace: 'kube-system',
    labelSelector: 'tier=control-plane',
  });
  for (const pod of items) {
    const component = pod.metadata.labels?.component ?? '';
    if (!upgraded.has(component)) continue;
    const containers = (pod.spec?.containers ?? []).map((c: { name: string; image?: string }) =>
      c.name === component
        ? { name: c.name, image: `registry.k8s.io/${component}:${version}` }
        : { name: c.name },
    );
    await registry.patch(resources.pods, 'kube-system', pod.metadata.name ?? '', 'strategic', {
      spec: { containers },
    });
  }
}
