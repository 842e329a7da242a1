import type { Principals } from '../config/policy-schema.js';

/** "<@UALICE>, <@UBOB> or members of <!subteam^S01>, in <#C01>": who a set of principals names, for a person. */
export function describePeople(principals: Principals | undefined): string {
  if (!principals) return 'anyone in this channel';
  const who: string[] = [
    ...(principals.users ?? []).map((u) => `<@${u}>`),
    ...(principals.groups ?? []).map((g) => `members of <!subteam^${g}>`),
  ];
  const anyone = principals.users === undefined && principals.groups === undefined;
  const people = anyone ? 'anyone' : who.length === 0 ? 'nobody' : joinOr(who);
  const where = principals.channels?.length
    ? `, in ${joinOr(principals.channels.map((c) => `<#${c}>`))}`
    : '';
  return `${people}${where}`;
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** "<@UBOB>", "<@UBOB> and <@UCAROL>", "<@UA>, <@UB> and <@UC>" */
export function joinAnd(users: string[]): string {
  const mentions = users.map((u) => `<@${u}>`);
  if (mentions.length <= 1) return mentions.join('');
  return `${mentions.slice(0, -1).join(', ')} and ${mentions.at(-1)}`;
}
