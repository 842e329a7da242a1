/**
 * Annotations through which a scenario tells the simulated kubelet and Job controller how its pods behave.
 * They sit in pod templates, so every pod a controller creates carries them. Values are milliseconds of
 * simulated time (the ScaledClock scales them), or counts.
 */
export const simAnnotations = {
  /** Binding → Running: image pull and container start. */
  startDelay: 'sim.bosun.dev/start-delay-ms',
  /** Running → Ready: the readiness probe starts passing. */
  readinessDelay: 'sim.bosun.dev/readiness-delay-ms',
  /** Running → Succeeded (or Failed): how long a Job's pod works. Pods without it run until deleted. */
  runDuration: 'sim.bosun.dev/run-duration-ms',
  /** On a pod: it exits with this code when its run is over (non-zero → Failed). */
  exitCode: 'sim.bosun.dev/exit-code',
  /** On a Job: its first N pods fail. */
  failures: 'sim.bosun.dev/failures',
} as const;

/** Defaults when a pod carries no timing annotations. */
export const defaultPodTimings = { startDelayMs: 1000, readinessDelayMs: 1000 } as const;

/** Reads a non-negative number annotation, or the fallback when absent or malformed. */
export function annotationNumber(
  annotations: Record<string, string> | undefined,
  key: string,
  fallback: number,
): number {
  const raw = annotations?.[key];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
