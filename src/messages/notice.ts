import type { SlackMessage } from '../queue/payloads.js';
import { section } from './blocks.js';

/** A one-line message: a refusal, an error, a confirmation. The text is mrkdwn written by bosun. */
export function notice(kind: 'error' | 'warning' | 'info' | 'success', text: string): SlackMessage {
  const icon = {
    error: ':x:',
    warning: ':warning:',
    info: ':information_source:',
    success: ':white_check_mark:',
  }[kind];
  return { text: text.replace(/[*`]/g, ''), blocks: [section(`${icon} ${text}`)] };
}
