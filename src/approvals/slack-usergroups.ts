import type { UsergroupDirectory } from '../policy/group-members.js';

/** The part of Slack's Web API client this needs (a WebClient has it). */
export interface UsergroupsApi {
  usergroups: {
    users: { list(args: { usergroup: string }): Promise<{ ok?: boolean; users?: string[] }> };
  };
}

/** `usergroups.users.list` (scope `usergroups:read`); the client is made on first use, as most answers are cached. */
export function slackUsergroups(client: () => UsergroupsApi): UsergroupDirectory {
  let api: UsergroupsApi | undefined;
  return {
    async usersOf(groupId) {
      api ??= client();
      const answer = await api.usergroups.users.list({ usergroup: groupId });
      return answer.users ?? [];
    },
  };
}
