import { type Config, type NotifyConfig, NotifySchema } from '../config/schema.js';

/** `backups.notify` with its defaults (the section is optional: a config without schedules needs none). */
export function notifySettings(config: Config): NotifyConfig {
  return config.backups.notify ?? NotifySchema.parse({});
}
