/** A kubeconfig with one cluster `prod` and its context `prod-admin`, for config tests (nothing listens there). */
export const PROD_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: prod, cluster: { server: 'https://127.0.0.1:6443' } }]
users: [{ name: bosun, user: { token: abc } }]
contexts: [{ name: prod-admin, context: { cluster: prod, user: bosun } }]
current-context: prod-admin
`;
