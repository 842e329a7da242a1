import type { InteractionDeps } from './interaction-deps.js';
import type { StoredMessage } from './message-store.js';

export interface SlashCommandInput {
  text: string;
  /** Default UALICE. */
  user?: string;
  /** Default COPS; an unknown channel id is created on the fly. */
  channel?: string;
  /** Default `/bosun`. */
  command?: string;
  /** Pass a trigger id from an earlier delivery to simulate Slack redelivering it. */
  triggerId?: string;
  signature?: 'valid' | 'forged';
  /** `x-slack-request-timestamp` override (unix seconds). */
  timestamp?: number;
}

export interface SlashCommandResult {
  triggerId: string;
  requestId: string;
  status: number;
  body: string;
  ackMs: number;
  redelivery: boolean;
}

/** A slash command as Slack builds it before delivery: its trigger and response_url are registered already. */
interface PreparedCommand {
  triggerId: string;
  requestId: string;
  redelivery: boolean;
  responseToken: string;
  user: string;
  channel: string;
  command: string;
  fields: Record<string, string>;
}

function prepareSlashCommand(
  deps: InteractionDeps,
  input: SlashCommandInput,
  defaults: { user: string; channel: string; command: string },
): PreparedCommand {
  const { directory, ids, triggers, responses } = deps;
  const user = directory.requireUser(input.user ?? defaults.user);
  const channel = directory.ensureChannel(input.channel ?? defaults.channel);
  const command = input.command ?? defaults.command;
  const triggerId = input.triggerId ?? ids.triggerId();
  const { redelivery } = triggers.issue(triggerId, user.id, channel.id);
  const requestId = deps.requestIdOf(triggerId);
  const responseToken = responses.create(triggerId, {
    channel: channel.id,
    user: user.id,
    requestId,
    originalTs: undefined,
    source: 'command',
    threadTs: undefined,
  });
  const fields: Record<string, string> = {
    token: deps.verificationToken,
    team_id: directory.team.id,
    team_domain: directory.team.domain,
    channel_id: channel.id,
    channel_name: channel.imUser === undefined ? channel.name : 'directmessage',
    user_id: user.id,
    user_name: user.name,
    command,
    text: input.text,
    api_app_id: directory.bot.appId,
    is_enterprise_install: 'false',
    response_url: responses.urlOf(responseToken),
    trigger_id: triggerId,
  };
  return {
    triggerId,
    requestId,
    redelivery,
    responseToken,
    user: user.id,
    channel: channel.id,
    command,
    fields,
  };
}

/** The user types `/bosun …`: Slack signs and delivers the command, then shows the ack body to the user. */
export async function deliverSlashCommand(
  deps: InteractionDeps,
  input: SlashCommandInput,
  defaults: { user: string; channel: string; command: string },
): Promise<SlashCommandResult> {
  const prepared = prepareSlashCommand(deps, input, defaults);
  const { triggerId, requestId, redelivery, responseToken, channel, user, command } = prepared;
  const outcome = await deps.delivery.deliver(
    { kind: 'slash_commands', fields: prepared.fields },
    { signature: input.signature ?? 'valid', timestampSeconds: input.timestamp },
  );
  if (outcome.status === 200) {
    if (outcome.response) deps.responses.recordAck(responseToken, outcome.response);
  } else {
    deps.store.add(slackbotError(deps, channel, user, requestId, command, outcome.failure === 'timeout'));
  }
  return {
    triggerId,
    requestId,
    status: outcome.status,
    body: outcome.body,
    ackMs: outcome.ackMs,
    redelivery,
  };
}

/**
 * A slash command signed for the bot's Request URL but not sent, for a load generator that sends it from a
 * process of its own (bench/ack.ts): the ack time it measures is then not delayed by this process serving the Web
 * API. Its ack body is not recorded; its trigger and response_url are, so the bot can answer it as usual.
 */
export function signedSlashCommand(
  deps: InteractionDeps,
  input: SlashCommandInput,
  defaults: { user: string; channel: string; command: string },
): SignedSlashCommand {
  const prepared = prepareSlashCommand(deps, input, defaults);
  const signed = deps.delivery.signHttp(
    { kind: 'slash_commands', fields: prepared.fields },
    { signature: input.signature ?? 'valid', timestampSeconds: input.timestamp },
  );
  return { requestId: prepared.requestId, triggerId: prepared.triggerId, ...signed };
}

export interface SignedSlashCommand {
  requestId: string;
  triggerId: string;
  /** The bot's Request URL. */
  url: string;
  /** The form body, exactly as signed. */
  body: string;
  /** `x-slack-request-timestamp` and `x-slack-signature`. */
  headers: Record<string, string>;
}

/** What Slack shows the user when the app did not take the command. */
function slackbotError(
  deps: InteractionDeps,
  channel: string,
  user: string,
  requestId: string,
  command: string,
  timedOut: boolean,
): StoredMessage {
  const code = timedOut ? 'operation_timeout' : 'dispatch_failed';
  return {
    channel,
    ts: deps.ids.messageTs(),
    threadTs: undefined,
    user: 'USLACKBOT',
    botId: undefined,
    text: `${command} failed with the error "${code}"`,
    blocks: [],
    metadata: undefined,
    files: undefined,
    ephemeralTo: user,
    edited: false,
    broadcast: false,
    answersRequest: requestId,
  };
}
