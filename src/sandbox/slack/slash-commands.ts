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

/** The user types `/bosun …`: Slack signs and delivers the command, then shows the ack body to the user. */
export async function deliverSlashCommand(
  deps: InteractionDeps,
  input: SlashCommandInput,
  defaults: { user: string; channel: string; command: string },
): Promise<SlashCommandResult> {
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
  const outcome = await deps.delivery.deliver(
    { kind: 'slash_commands', fields },
    { signature: input.signature ?? 'valid', timestampSeconds: input.timestamp },
  );
  if (outcome.status === 200) {
    if (outcome.response) responses.recordAck(responseToken, outcome.response);
  } else {
    deps.store.add(
      slackbotError(deps, channel.id, user.id, requestId, command, outcome.failure === 'timeout'),
    );
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
