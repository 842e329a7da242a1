import type { ClusterResources, KubeObject, ListPage, ServedResource } from '../ports/cluster-resources.js';

/**
 * Every object of `resource` (in `namespace`, matching `labelSelector`), page by page. The next page is asked
 * for before this one is handed out, so the API server and the caller's work overlap.
 */
export async function* listAll(
  resources: ClusterResources,
  resource: ServedResource,
  options: { namespace?: string; labelSelector?: string; limit?: number },
  signal?: AbortSignal,
): AsyncGenerator<KubeObject> {
  const { namespace, labelSelector, limit = 500 } = options;
  const fetch = (token: string | undefined) =>
    resources.list(resource, { namespace, labelSelector, limit, continue: token }, signal);
  let next: Promise<ListPage> | undefined = fetch(undefined);
  while (next) {
    const page: ListPage = await next;
    next = page.continue ? fetch(page.continue) : undefined;
    // A failed prefetch is seen when awaited; until then it must not count as unhandled.
    next?.catch(() => {});
    yield* page.items;
  }
}
