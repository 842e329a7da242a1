import type { RequestRefusal } from '../policy/authorize-request.js';
import { auditTime } from './audit-text.js';

/** Why the policy refused a request, as the audit's one short sentence. */
export function refusalDetail(refusal: RequestRefusal, command: string, cluster: string): string {
  const what = `${command} on ${cluster}`;
  switch (refusal.reason) {
    case 'not-requester':
      return `not among those who may ask for ${what}`;
    case 'outside-window':
      return `outside the change windows of ${what}${refusal.next ? `; the next opens ${auditTime(refusal.next.startsAt)}` : ''}`;
    case 'group-lookup-failed':
      return `could not look up user group ${refusal.groupId} to check who may ask for ${what}`;
  }
}
