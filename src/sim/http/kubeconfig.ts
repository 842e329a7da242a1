import YAML from 'yaml';

export interface KubeconfigOptions {
  /** `http://127.0.0.1:port` or `https://…`. */
  server: string;
  /** PEM of the serving CA, for https. */
  ca?: string;
  /** Names of the cluster, user and context (default `bosun-sim`). */
  name?: string;
  /** A bearer token (the user); omitted when a client certificate is given. */
  token?: string;
  /** PEM client certificate and key (https): the admin identity. */
  clientCertificate?: { cert: string; key: string };
}

/** A kubeconfig for kubectl (and client-node's loadFromString) pointing at the simulator. */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const name = options.name ?? 'bosun-sim';
  const cluster: Record<string, unknown> = { server: options.server };
  if (options.ca) cluster['certificate-authority-data'] = Buffer.from(options.ca).toString('base64');
  else if (options.server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: userEntry(options) }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

function userEntry(options: KubeconfigOptions): Record<string, string> {
  if (options.clientCertificate) {
    return {
      'client-certificate-data': Buffer.from(options.clientCertificate.cert).toString('base64'),
      'client-key-data': Buffer.from(options.clientCertificate.key).toString('base64'),
    };
  }
  return { token: options.token ?? 'bosun-sim-token' };
}
