/**
 * Kubernetes resource quantities ("100m", "1.5", "128Mi", "2G", "1e3") as plain numbers of the base unit,
 * which is all the scheduler, the scenario loader and a drain's room check compare. Precision beyond a double does not matter here.
 */
const suffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const pattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Parses a quantity; returns undefined for anything Kubernetes would reject (and for none at all). */
export function parseQuantity(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = pattern.exec(value.trim());
  if (!match) return undefined;
  const [, digits = '', exponent, suffix = ''] = match;
  const base = Number(digits);
  if (exponent) return base * 10 ** Number(exponent.slice(1));
  const multiplier = suffixes[suffix];
  return multiplier === undefined ? undefined : base * multiplier;
}

/** CPU in millicores (`250m` → 250, `2` → 2000); 0 when absent or malformed. */
export const cpuMillis = (value: string | number | undefined) =>
  Math.round((parseQuantity(value) ?? 0) * 1000);

/** Memory and storage in bytes; 0 when absent or malformed. */
export const bytes = (value: string | number | undefined) => Math.round(parseQuantity(value) ?? 0);
