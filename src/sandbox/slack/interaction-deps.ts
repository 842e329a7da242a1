import type { BotDelivery } from './bot-delivery.js';
import type { MessageStore, StoredMessage } from './message-store.js';
import type { ModalStore } from './modal-store.js';
import type { ResponseUrls } from './response-urls.js';
import type { SlackIds } from './slack-ids.js';
import type { TriggerRegistry } from './trigger-registry.js';
import type { WorkspaceDirectory, WorkspaceUser } from './workspace-directory.js';

/** What the user-side actions (command, click, submit) need from the stand-in. */
export interface InteractionDeps {
  directory: WorkspaceDirectory;
  store: MessageStore;
  ids: SlackIds;
  triggers: TriggerRegistry;
  responses: ResponseUrls;
  delivery: BotDelivery;
  modals: ModalStore;
  requestIdOf: (triggerId: string) => string;
  /** The deprecated verification token Slack still puts in every payload. */
  verificationToken: string;
  messageJson: (message: StoredMessage) => Record<string, unknown>;
}

/** The `user` object of interactivity payloads. */
export function payloadUser(user: WorkspaceUser, teamId: string): Record<string, unknown> {
  return { id: user.id, username: user.name, name: user.name, team_id: teamId };
}
