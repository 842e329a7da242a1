/**
 * Kubernetes minor releases bosun knows about: when each came out, its newest patch, and its end of life.
 * Kept as plain data (it will move to src/ops, where upgrade planning and version-skew checks read it).
 *
 * Sources, read 2026-11: kubernetes.io/releases/<minor>/ pages and kubernetes/website
 * data/releases/eol.yaml. For minors still supported when last checked, `latestPatch` is the newest patch
 * seen then and will move on; for minors past end of life it is the final patch.
 */
export interface KubernetesRelease {
  /** "1.31" */
  minor: string;
  /** Date of x.y.0, YYYY-MM-DD. */
  releasedOn: string;
  /** Newest patch known, e.g. "v1.31.14". */
  latestPatch: string;
  /** End of life (no more patches), YYYY-MM-DD. */
  endOfLife: string;
}

export const kubernetesReleases: readonly KubernetesRelease[] = [
  { minor: '1.28', releasedOn: '2023-08-15', latestPatch: 'v1.28.15', endOfLife: '2024-10-22' },
  { minor: '1.29', releasedOn: '2023-12-13', latestPatch: 'v1.29.14', endOfLife: '2025-02-28' },
  { minor: '1.30', releasedOn: '2024-04-17', latestPatch: 'v1.30.14', endOfLife: '2025-07-15' },
  { minor: '1.31', releasedOn: '2024-08-13', latestPatch: 'v1.31.14', endOfLife: '2025-11-11' },
  { minor: '1.32', releasedOn: '2024-12-11', latestPatch: 'v1.32.13', endOfLife: '2026-02-28' },
  { minor: '1.33', releasedOn: '2025-04-23', latestPatch: 'v1.33.10', endOfLife: '2026-06-28' },
  { minor: '1.34', releasedOn: '2025-08-27', latestPatch: 'v1.34.9', endOfLife: '2026-10-27' },
  { minor: '1.35', releasedOn: '2025-12-17', latestPatch: 'v1.35.9', endOfLife: '2027-02-28' },
  { minor: '1.36', releasedOn: '2026-04-22', latestPatch: 'v1.36.4', endOfLife: '2027-06-28' },
  { minor: '1.37', releasedOn: '2026-08-26', latestPatch: 'v1.37.1', endOfLife: '2027-10-28' },
];
