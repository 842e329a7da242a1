import { z } from 'zod';
import { SlackApiError } from './slack-api-error.js';
import type { WebApiMethod } from './web-api.js';
import { requiredArgument } from './web-api-params.js';
import type { WorkspaceChannel, WorkspaceDirectory, WorkspaceUser } from './workspace-directory.js';

export interface DirectoryMethodsDeps {
  directory: WorkspaceDirectory;
  /** A fresh single-use Socket Mode URL (`ws://…/link/?ticket=…`). */
  openSocketUrl: () => string;
}

/**
 * `auth.test`, `users.info`, `usergroups.users.list`, `conversations.info`, `conversations.open` (a direct
 * message with one person), `apps.connections.open`.
 */
export function directoryMethods({
  directory,
  openSocketUrl,
}: DirectoryMethodsDeps): Record<string, WebApiMethod> {
  const { team, bot } = directory;
  return {
    'auth.test': {
      scope: '',
      token: 'bot',
      run: () => ({
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: bot.name,
        team_id: team.id,
        user_id: bot.userId,
        bot_id: bot.botId,
        is_enterprise_install: false,
      }),
    },

    'users.info': {
      scope: 'users:read',
      token: 'bot',
      run: (params) => {
        const id = requiredArgument(params, 'user', z.string(), 'user_not_found');
        const user = directory.user(id);
        if (!user) throw new SlackApiError('user_not_found');
        return { user: userJson(user, team.id) };
      },
    },

    'usergroups.users.list': {
      scope: 'usergroups:read',
      token: 'bot',
      run: (params) => {
        const id = requiredArgument(params, 'usergroup', z.string(), 'no_such_subteam');
        const group = directory.usergroup(id);
        if (!group) throw new SlackApiError('no_such_subteam');
        return { users: [...group.users] };
      },
    },

    'conversations.info': {
      scope: 'channels:read',
      token: 'bot',
      run: (params) => {
        const reference = requiredArgument(params, 'channel', z.string(), 'channel_not_found');
        const channel = directory.channel(reference);
        if (!channel || channel.id !== reference) throw new SlackApiError('channel_not_found');
        return { channel: channelJson(channel) };
      },
    },

    'conversations.open': {
      scope: 'im:write',
      token: 'bot',
      run: (params) => {
        const users = requiredArgument(params, 'users', z.string(), 'users_list_not_supplied').split(',');
        // Group direct messages (several users) are not part of the stand-in.
        if (users.length !== 1) throw new SlackApiError('not_supported');
        const channel = directory.channel(users[0]?.trim() ?? '');
        if (!channel || channel.imUser === undefined) throw new SlackApiError('user_not_found');
        return { channel: { id: channel.id } };
      },
    },

    'apps.connections.open': {
      scope: 'connections:write',
      token: 'app',
      run: () => ({ url: openSocketUrl() }),
    },
  };
}

function userJson(user: WorkspaceUser, teamId: string): Record<string, unknown> {
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    deleted: false,
    real_name: user.realName,
    tz: user.tz,
    tz_label: user.tz,
    tz_offset: 0,
    is_admin: false,
    is_owner: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 0,
    profile: {
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.name,
      display_name_normalized: user.name,
      team: teamId,
      ...(user.email === undefined ? {} : { email: user.email }),
      ...(user.botId === undefined ? {} : { bot_id: user.botId }),
    },
  };
}

function channelJson(channel: WorkspaceChannel): Record<string, unknown> {
  if (channel.imUser !== undefined) {
    return {
      id: channel.id,
      created: channel.created,
      is_im: true,
      is_org_shared: false,
      user: channel.imUser,
    };
  }
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    created: channel.created,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: false,
    is_general: false,
    is_member: true,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}
