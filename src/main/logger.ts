import { type Logger, pino } from 'pino';

/** One structured logger per process; secrets are redacted wherever they appear in a logged object. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'token',
        '*.token',
        'botToken',
        '*.botToken',
        'appToken',
        '*.appToken',
        'signingSecret',
        '*.signingSecret',
        'secretAccessKey',
        '*.secretAccessKey',
        'headers.authorization',
        '*.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
