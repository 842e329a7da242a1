import type {
  SlackBotIdentity,
  SlackChannelOption,
  SlackTeam,
  SlackUsergroupOption,
  SlackUserOption,
} from './options.js';

export interface WorkspaceUser {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
  botId: string | undefined;
  email: string | undefined;
  tz: string;
}

export interface WorkspaceChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  /** For a direct-message channel: the user the bot talks to. */
  imUser: string | undefined;
  created: number;
}

/** The people, channels and user groups of the stand-in workspace. */
export class WorkspaceDirectory {
  readonly #users = new Map<string, WorkspaceUser>();
  readonly #channels = new Map<string, WorkspaceChannel>();
  readonly #usergroups = new Map<string, SlackUsergroupOption>();

  constructor(
    readonly team: SlackTeam,
    readonly bot: SlackBotIdentity,
    users: SlackUserOption[],
    channels: SlackChannelOption[],
    usergroups: SlackUsergroupOption[],
    private readonly nowSeconds: () => number,
  ) {
    for (const user of users) {
      this.#users.set(user.id, {
        id: user.id,
        name: user.name,
        realName: user.realName ?? user.name,
        isBot: user.isBot,
        botId: user.botId,
        email: user.email,
        tz: user.tz,
      });
    }
    this.#users.set(bot.userId, {
      id: bot.userId,
      name: bot.name,
      realName: bot.name,
      isBot: true,
      botId: bot.botId,
      email: undefined,
      tz: 'Etc/UTC',
    });
    for (const channel of channels) {
      this.#channels.set(channel.id, {
        id: channel.id,
        name: channel.name,
        isPrivate: channel.isPrivate,
        imUser: undefined,
        created: nowSeconds(),
      });
    }
    for (const group of usergroups) this.#usergroups.set(group.id, group);
  }

  user(id: string): WorkspaceUser | undefined {
    return this.#users.get(id);
  }

  /** For the test-facing API: an unknown user is a mistake in the test, said plainly. */
  requireUser(id: string): WorkspaceUser {
    const user = this.#users.get(id);
    if (!user)
      throw new Error(
        `no user ${id} in the stand-in workspace (users: ${[...this.#users.keys()].join(', ')})`,
      );
    return user;
  }

  humans(): WorkspaceUser[] {
    return [...this.#users.values()].filter((user) => !user.isBot);
  }

  usergroup(id: string): SlackUsergroupOption | undefined {
    return this.#usergroups.get(id);
  }

  /**
   * Resolves what Slack accepts as a `channel` argument: an id, a name with or without `#`, or a user id (which
   * Slack turns into the bot's direct-message channel with that user).
   */
  channel(reference: string): WorkspaceChannel | undefined {
    const byId = this.#channels.get(reference);
    if (byId) return byId;
    const user = this.#users.get(reference);
    if (user && !user.isBot) return this.#directMessageWith(user);
    const name = reference.replace(/^#/, '');
    return [...this.#channels.values()].find((channel) => channel.name === name);
  }

  /** A channel named in a delivered command exists from then on (the bench uses channels nobody declared). */
  ensureChannel(id: string): WorkspaceChannel {
    const known = this.channel(id);
    if (known) return known;
    if (!/^[CG][A-Z0-9]+$/.test(id)) throw new Error(`"${id}" is not a Slack channel id (C… or G…)`);
    const created: WorkspaceChannel = {
      id,
      name: id.toLowerCase(),
      isPrivate: id.startsWith('G'),
      imUser: undefined,
      created: this.nowSeconds(),
    };
    this.#channels.set(id, created);
    return created;
  }

  channels(): WorkspaceChannel[] {
    return [...this.#channels.values()];
  }

  #directMessageWith(user: WorkspaceUser): WorkspaceChannel {
    const id = `D${user.id.slice(1)}`;
    const existing = this.#channels.get(id);
    if (existing) return existing;
    const created: WorkspaceChannel = {
      id,
      name: user.name,
      isPrivate: true,
      imUser: user.id,
      created: this.nowSeconds(),
    };
    this.#channels.set(id, created);
    return created;
  }
}
