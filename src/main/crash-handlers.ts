import type { Logger } from 'pino';

/** The exit code of a process that met an error nobody handled (EX_SOFTWARE). */
export const CRASH_EXIT_CODE = 70;

/**
 * An error nobody handled leaves the process in a state no one reasoned about: log it as fatal, with what it
 * was, and exit for the supervisor (systemd, Kubernetes) to restart the process. Work in flight is safe to
 * lose here: jobs are taken over from BullMQ after their lock expires and resume from their checkpoints.
 */
export function installCrashHandlers(logger: Logger, exit: (code: number) => void = process.exit): void {
  const crash = (origin: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    logger.fatal({ err: error, origin }, `${origin}: exiting for the supervisor to restart bosun`);
    logger.flush?.();
    exit(CRASH_EXIT_CODE);
  };
  process.on('uncaughtException', crash('uncaughtException'));
  process.on('unhandledRejection', crash('unhandledRejection'));
}
