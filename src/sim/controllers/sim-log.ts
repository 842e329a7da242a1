/** The slice of a pino logger the simulator writes to; pino's Logger fits, and the default says nothing. */
export interface SimLog {
  debug(detail: object, message?: string): void;
  warn(detail: object, message?: string): void;
}

export const silentLog: SimLog = {
  debug: () => {},
  warn: () => {},
};
