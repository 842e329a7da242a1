import { humanDuration } from '../../../shared/human-duration.js';

export { humanDuration };

/** The age of an object whose timestamp is `timestamp`, at `now`; `<unknown>` without one. */
export function ageOf(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? '<unknown>' : humanDuration(now - at);
}
