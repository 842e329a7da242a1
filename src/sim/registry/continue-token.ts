import { badRequest } from './status-errors.js';

/** What a list `continue` token carries: the revision of the first page and the last key returned. */
export interface ContinuePosition {
  revision: number;
  startAfter: string;
}

export function encodeContinue(position: ContinuePosition): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv: position.revision, start: position.startAfter });
  return Buffer.from(json).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'rv' in parsed &&
      'start' in parsed &&
      typeof parsed.rv === 'number' &&
      typeof parsed.start === 'string'
    ) {
      return { revision: parsed.rv, startAfter: parsed.start };
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest(`continue key is not valid: ${token}`);
}
