/** How the client wants the answer, from its Accept header. */
export type ResponseShape =
  | { shape: 'object' }
  | { shape: 'table'; version: 'v1' | 'v1beta1' }
  | { shape: 'metadata' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseMediaRanges(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim());
    const parsed: Record<string, string> = {};
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0) parsed[param.slice(0, eq).trim()] = param.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: parsed };
  });
}

/**
 * Whether the client's first choice is a plain protobuf object (`application/vnd.kubernetes.protobuf`, as
 * kubectl 1.32+'s typed clients ask); built-in kinds are then answered in protobuf, everything else in JSON.
 */
export function prefersProtobuf(accept: string | undefined): boolean {
  const [first] = parseMediaRanges(accept);
  return first?.type === 'application/vnd.kubernetes.protobuf' && first.params.as === undefined;
}

/**
 * Picks the first range we can serve, in the client's order: a Table, PartialObjectMetadata, or a plain object
 * (JSON, or protobuf for built-in kinds when the client prefers it; see `prefersProtobuf`).
 */
export function negotiateShape(accept: string | undefined): ResponseShape {
  for (const range of parseMediaRanges(accept)) {
    const as = range.params.as;
    if (!as) return { shape: 'object' };
    if (range.type !== 'application/json' || range.params.g !== 'meta.k8s.io') continue;
    if (as === 'Table' && (range.params.v === 'v1' || range.params.v === 'v1beta1')) {
      return { shape: 'table', version: range.params.v };
    }
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { shape: 'metadata' };
  }
  return { shape: 'object' };
}

/** The essence of a Content-Type: `application/merge-patch+json; charset=utf-8` → `application/merge-patch+json`. */
export function baseContentType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
