import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from 'pino';

const toText = (parts: unknown[]) =>
  parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');

/** Bolt and web-api log through pino, so their lines carry the same structure as ours. */
export function slackLogger(logger: Logger): SlackLogger {
  let level: LogLevel = LogLevel.WARN;
  let child = logger.child({ component: 'slack' });
  return {
    debug: (...msg: unknown[]) => child.debug(toText(msg)),
    info: (...msg: unknown[]) => child.info(toText(msg)),
    warn: (...msg: unknown[]) => child.warn(toText(msg)),
    error: (...msg: unknown[]) => child.error(toText(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}
