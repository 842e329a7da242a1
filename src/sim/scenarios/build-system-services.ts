import type { KubeObject } from '../types.js';

/** kubeadm's defaults: the first address of the 10.96.0.0/12 service range, and the tenth for DNS. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const KUBE_DNS_IP = '10.96.0.10';
const API_SERVER_PORT = 6443;

/**
 * The `kubernetes` Service in `default`, with the Endpoints and EndpointSlice the API servers keep
 * (pkg/controlplane/reconcilers): every control plane's advertise address, port 6443.
 */
export function buildKubernetesService(advertiseAddresses: string[]): KubeObject[] {
  const ports = [{ name: 'https', port: API_SERVER_PORT, protocol: 'TCP' }];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: KUBERNETES_SERVICE_IP,
        clusterIPs: [KUBERNETES_SERVICE_IP],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        sessionAffinity: 'None',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: API_SERVER_PORT }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets: [{ addresses: advertiseAddresses.map((ip) => ({ ip })), ports }],
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: advertiseAddresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
      ports,
    },
  ];
}

/** kubeadm's CoreDNS Service, `kube-dns`: DNS over UDP and TCP, and the metrics port. */
export function buildKubeDnsService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: {
        'k8s-app': 'kube-dns',
        'kubernetes.io/cluster-service': 'true',
        'kubernetes.io/name': 'CoreDNS',
      },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: KUBE_DNS_IP,
      clusterIPs: [KUBE_DNS_IP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
}

function configMap(name: string, namespace: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/**
 * The ConfigMaps `kubeadm init` leaves in kube-system: `kubeadm-config` (the ClusterConfiguration, with the
 * cluster's version), `kubelet-config` (the KubeletConfiguration), `kube-proxy` (its configuration and
 * kubeconfig) and `coredns` (the Corefile). Trimmed to the fields a reader looks for.
 */
export function buildKubeadmConfigMaps(version: string, controlPlaneEndpoint: string): KubeObject[] {
  const clusterConfiguration = [
    'apiServer: {}',
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'caCertificateValidityPeriod: 87600h0m0s',
    'certificateValidityPeriod: 8760h0m0s',
    'certificatesDir: /etc/kubernetes/pki',
    'clusterName: kubernetes',
    `controlPlaneEndpoint: ${controlPlaneEndpoint}:${API_SERVER_PORT}`,
    'controllerManager: {}',
    'dns: {}',
    'encryptionAlgorithm: RSA-2048',
    'etcd:',
    '  local:',
    '    dataDir: /var/lib/etcd',
    'imageRepository: registry.k8s.io',
    'kind: ClusterConfiguration',
    `kubernetesVersion: ${version}`,
    'networking:',
    '  dnsDomain: cluster.local',
    '  podSubnet: 10.244.0.0/16',
    '  serviceSubnet: 10.96.0.0/12',
    'proxy: {}',
    'scheduler: {}',
    '',
  ].join('\n');
  const kubelet = [
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'authentication:',
    '  anonymous:',
    '    enabled: false',
    '  webhook:',
    '    enabled: true',
    '  x509:',
    '    clientCAFile: /etc/kubernetes/pki/ca.crt',
    'authorization:',
    '  mode: Webhook',
    'cgroupDriver: systemd',
    'clusterDNS:',
    `- ${KUBE_DNS_IP}`,
    'clusterDomain: cluster.local',
    'containerRuntimeEndpoint: ""',
    'healthzBindAddress: 127.0.0.1',
    'healthzPort: 10248',
    'kind: KubeletConfiguration',
    'rotateCertificates: true',
    'staticPodPath: /etc/kubernetes/manifests',
    '',
  ].join('\n');
  const proxy = [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'bindAddress: 0.0.0.0',
    'clientConnection:',
    '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf',
    'clusterCIDR: 10.244.0.0/16',
    'kind: KubeProxyConfiguration',
    'mode: ""',
    '',
  ].join('\n');
  const proxyKubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    `    server: https://${controlPlaneEndpoint}:${API_SERVER_PORT}`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    namespace: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'users:',
    '- name: default',
    '  user:',
    '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
    '',
  ].join('\n');
  const corefile = [
    '.:53 {',
    '    errors',
    '    health {',
    '       lameduck 5s',
    '    }',
    '    ready',
    '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
    '       pods insecure',
    '       fallthrough in-addr.arpa ip6.arpa',
    '       ttl 30',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf {',
    '       max_concurrent 1000',
    '    }',
    '    cache 30',
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
    '',
  ].join('\n');
  return [
    configMap('kubeadm-config', 'kube-system', { ClusterConfiguration: clusterConfiguration }),
    configMap('kubelet-config', 'kube-system', { kubelet }),
    {
      ...configMap('kube-proxy', 'kube-system', { 'config.conf': proxy, 'kubeconfig.conf': proxyKubeconfig }),
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
    },
    configMap('coredns', 'kube-system', { Corefile: corefile }),
  ];
}
