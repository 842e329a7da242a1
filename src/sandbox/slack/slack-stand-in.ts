import type { ClickInput, ClickResult } from './button-clicks.js';
import type { FaultInjector } from './fault-injector.js';
import type { RecordedMessage } from './message-store.js';
import type { OpenView } from './modal-store.js';
import type { SlackDelivery } from './options.js';
import type { SignedSlashCommand, SlashCommandInput, SlashCommandResult } from './slash-commands.js';
import type { SubmitInput, SubmitResult } from './view-submissions.js';

export interface StandInChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  /** For a direct-message channel, the user on the other side. */
  imUser?: string;
}

export interface StandInUser {
  id: string;
  name: string;
  realName: string;
}

export interface UserPost {
  channel: string;
  user: string;
  text: string;
  /** Posts a reply in this thread. */
  threadTs?: string;
}

export interface WaitForOptions {
  /** Default 2000. */
  timeoutMs?: number;
  /** Default 10. */
  intervalMs?: number;
  /** Said in the timeout error. */
  description?: string;
}

/** A local Slack: the Web API bolt and web-api call, deliveries to the bot, and a record of what users see. */
export interface SlackStandIn {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/api/`: pass as `slackApiUrl`. */
  readonly apiUrl: string;
  readonly faults: Pick<FaultInjector, 'inject' | 'enforcePostingLimit' | 'clear' | 'limitedCount'>;
  /** Web API calls received for `method`, including failed and faulted ones. */
  callCount(method: string): number;
  /** Points slash commands and interactivity somewhere else (e.g. once the bot knows its port). */
  deliverTo(delivery: SlackDelivery): void;

  slashCommand(input: SlashCommandInput): Promise<SlashCommandResult>;
  /**
   * A slash command signed for the bot's Request URL (HTTP delivery only) but not sent: a load generator sends it
   * from a process of its own, so its timing does not share an event loop with this stand-in's Web API.
   */
  signedSlashCommand(input: SlashCommandInput): SignedSlashCommand;
  /** A person writes in a channel or thread (recorded only: no Events API delivery to the bot). */
  postAsUser(post: UserPost): { ts: string };
  click(input: ClickInput): Promise<ClickResult>;
  views(): OpenView[];
  submit(input: SubmitInput): Promise<SubmitResult>;
  /** The person closes the modal (its Cancel or ×): it goes, and the one under it shows; the bot hears nothing. */
  closeView(input: { viewId: string; user: string }): void;

  /** Top-level messages (of one channel, or of all), oldest first, with their replies. */
  messages(channel?: string): RecordedMessage[];
  /** The replies of one thread, oldest first. */
  thread(channel: string, ts: string): RecordedMessage[];
  channels(): StandInChannel[];
  users(): StandInUser[];
  fileContent(fileId: string): Buffer | undefined;
  /** Polls until `predicate` returns something truthy and returns it; throws after the timeout. */
  waitFor<T>(predicate: () => T | undefined | null | false, options?: WaitForOptions): Promise<T>;
  stop(): Promise<void>;
}
