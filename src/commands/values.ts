import { z } from 'zod';
import { quote } from './quote.js';

/** RFC 1123 subdomain, as Kubernetes requires of node names. */
const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const nodeName = z.string().superRefine((name, ctx) => {
  if (name.length > 253) {
    ctx.addIssue({
      code: 'custom',
      message: `node name is ${name.length} characters; Kubernetes allows 253`,
    });
  } else if (!RFC1123_SUBDOMAIN.test(name)) {
    const lower = name.toLowerCase();
    const hint = RFC1123_SUBDOMAIN.test(lower)
      ? ` (node names are lowercase: \`${quote(lower)}\`)`
      : ': use lowercase letters, digits, "-" and "."; start and end with a letter or digit';
    ctx.addIssue({ code: 'custom', message: `\`${quote(name)}\` is not a valid node name${hint}` });
  }
});

export const requestId = z
  .string()
  .regex(/^r-[a-z0-9]{12}$/, 'is not a request id; request ids look like r-abcdefgh2345 (see `/bosun jobs`)');

export const clusterRef = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/,
    'is not a cluster name (lowercase letters, digits and dashes)',
  );

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** `90`, `90s`, `10m`, `1h30m`, `7d` → seconds. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
}

export function durationFlag(max: number) {
  return z.string().transform((text, ctx) => {
    const seconds = parseDuration(text);
    if (seconds === undefined || seconds <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `\`${quote(text)}\` is not a duration; write it like 90s, 10m or 1h30m`,
      });
      return z.NEVER;
    }
    if (seconds > max) {
      ctx.addIssue({
        code: 'custom',
        message: `\`${quote(text)}\` is longer than the limit of ${formatDuration(max)}`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`);
  return parts.join('');
}

const SELECTOR_TERM =
  /^\s*(!?[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?|[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?\s*(=|==|!=)\s*[A-Za-z0-9]?([-A-Za-z0-9_.]*[A-Za-z0-9])?|[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?\s+(in|notin)\s+\([-A-Za-z0-9_., ]*\))\s*$/;

/** A Kubernetes label selector (`app=web,tier!=db`, `env in (a,b)`), checked term by term. */
export const labelSelector = z.string().superRefine((text, ctx) => {
  const terms = text.split(/,(?![^(]*\))/);
  for (const term of terms) {
    if (!SELECTOR_TERM.test(term)) {
      ctx.addIssue({
        code: 'custom',
        message: `\`${quote(term.trim())}\` is not a label selector term; write it like app=web, tier!=db or env in (a,b)`,
      });
      return;
    }
  }
});
