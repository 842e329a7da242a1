import { expired } from '../registry/status-errors.js';
import type { KubeObject, ResourceInfo, StatusError, WatchEvent } from '../types.js';
import { toStatus } from './http-response.js';
import type { ResponseShape } from './media-type.js';
import { queryBool } from './query-params.js';
import type { ResourceRequest } from './resource-request.js';
import { tableVersion, withVersion } from './response-shape.js';
import { type IncludeObject, toTable } from './table/table-convertor.js';

/**
 * A watch as chunked NDJSON: one `{"type":…,"object":…}` line per event, flushed as it happens. Table watches
 * (`kubectl get -w`) send one-row Tables, the first with column definitions. Ends on `timeoutSeconds`, on a
 * dropped-watch fault, when the client goes away, or after an ERROR event (410 Expired).
 */
export async function streamWatch(
  request: ResourceRequest,
  info: ResourceInfo,
  namespace: string | undefined,
  apiVersion: string,
  shape: ResponseShape,
  includeObject: IncludeObject,
): Promise<void> {
  const { res, url, registry, clock } = request;
  const query = url.searchParams;
  const resourceVersion = query.get('resourceVersion') ?? undefined;
  const resuming = resourceVersion !== undefined && resourceVersion !== '' && resourceVersion !== '0';
  let headersSent = false;
  let ended = false;
  let sentTableHeader = false;
  const abort = new AbortController();

  const sendHeaders = () => {
    if (headersSent) return;
    headersSent = true;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
  };
  const send = (line: unknown) => {
    if (ended) return;
    sendHeaders();
    res.write(`${JSON.stringify(line)}\n`);
  };
  const finish = () => {
    if (ended) return;
    ended = true;
    abort.abort();
    sendHeaders();
    res.end();
  };
  const present = (object: KubeObject): unknown => {
    const versioned = withVersion(object, info, apiVersion);
    if (shape.shape !== 'table') return versioned;
    const table = toTable(info, [versioned], clock.now(), {
      includeObject,
      noHeaders: sentTableHeader,
      listMetadata: { resourceVersion: object.metadata.resourceVersion },
    });
    sentTableHeader = true;
    return tableVersion(table, shape);
  };

  if (resuming && request.faults.takeWatchExpiry()) {
    send({
      type: 'ERROR',
      object: expired(
        `too old resource version: ${resourceVersion} (${await registry.currentResourceVersion()})`,
      ).status,
    });
    finish();
    return;
  }

  const onEvent = (event: WatchEvent) => send({ type: event.type, object: present(event.object) });
  const onEnd = (error?: StatusError) => {
    if (error) send({ type: 'ERROR', object: toStatus(error) });
    finish();
  };
  // Selector errors throw here, before the 200 is written, and become a plain error response.
  const handle = registry.watch(
    info,
    {
      namespace,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
      resourceVersion,
    },
    onEvent,
    onEnd,
  );
  sendHeaders();
  const stopDrop = request.faults.onDrop(() => {
    handle.stop();
    finish();
  });
  res.on('close', () => {
    stopDrop();
    handle.stop();
    ended = true;
    abort.abort();
  });

  const timeoutParam = Number(query.get('timeoutSeconds'));
  const timeoutMs =
    Number.isFinite(timeoutParam) && timeoutParam > 0
      ? timeoutParam * 1000
      : (1800 + Math.floor(request.random() * 1800)) * 1000;
  clock.sleep(timeoutMs, abort.signal).then(
    () => {
      handle.stop();
      finish();
    },
    () => undefined,
  );

  if (queryBool(query, 'allowWatchBookmarks') && shape.shape !== 'table') {
    const bookmarks = async () => {
      while (!ended) {
        await clock.sleep(request.bookmarkIntervalMs, abort.signal);
        send({
          type: 'BOOKMARK',
          object: { kind: info.kind, apiVersion, metadata: { resourceVersion: handle.bookmark() } },
        });
      }
    };
    bookmarks().catch(() => undefined);
  }
}
