import type { App } from '@slack/bolt';
import { registerApprovals } from './approvals.js';
import type { HandlerDeps } from './deps.js';
import { registerDrainActions } from './drain-actions.js';
import { slashCommand } from './slash-command.js';

/** Registers every Slack listener on the Bolt app. */
export function register(app: App, deps: HandlerDeps): void {
  app.command(deps.slash, slashCommand(deps));
  registerApprovals(app, deps);
  registerDrainActions(app, deps);
}
