/** The characters rand.SafeEncodeString uses: no vowels, so no words, and no look-alikes. */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A pod template's hash as controllers put it in `pod-template-hash` and `controller-revision-hash`: FNV-32a
 * of the template (and the collision count), its decimal digits mapped through the safe alphabet, as
 * ComputeHash does. The template is serialised as sorted JSON rather than Go's spew, so values differ from
 * a real cluster's, but equal templates hash equal and a changed template hashes differently.
 */
export function templateHash(template: unknown, collisionCount = 0): string {
  const hash = fnv32a(`${stableJson(template)}${collisionCount > 0 ? `#${collisionCount}` : ''}`);
  let encoded = '';
  for (const char of String(hash)) encoded += alphabet[char.charCodeAt(0) % alphabet.length] ?? 'x';
  return encoded;
}
