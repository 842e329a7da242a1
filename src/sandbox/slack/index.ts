export type { ClickInput, ClickResult } from './button-clicks.js';
export type { InjectedFault, PostingLimit } from './fault-injector.js';
export type { FileReference, MessageMetadata, RecordedMessage } from './message-store.js';
export type { OpenView, SubmittedValues } from './modal-store.js';
export type { SlackDelivery, SlackStandInOptions } from './options.js';
export { slackRequestSignature } from './request-signature.js';
export type {
  SlackStandIn,
  StandInChannel,
  StandInUser,
  UserPost,
  WaitForOptions,
} from './slack-stand-in.js';
export type { SignedSlashCommand, SlashCommandInput, SlashCommandResult } from './slash-commands.js';
export { startSlackStandIn } from './start-slack-stand-in.js';
export type { SubmitInput, SubmitResult } from './view-submissions.js';
