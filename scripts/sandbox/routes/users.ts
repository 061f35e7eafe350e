// Org members as Sentry's UserSerializer shows them wherever a user appears (issue activity, actors and
// participants, the members list, release owners, commit authors), so one person looks the same on every endpoint.

import { stringHash } from "../seed/rng.js";
import { HOUR, iso } from "../time.js";
import type { Member, World } from "../types.js";

/** Salts and look-back spans (days) of the member times the core seed does not model. */
const JOINED = { salt: 7, spanDays: 700 };
const LAST_LOGIN = { salt: 11, spanDays: 3 };
const LAST_ACTIVE = { salt: 13, spanDays: 1 };
/** UserEmail rows have IDs of their own; a stable offset from the user ID stands in for them. */
const EMAIL_ID_OFFSET = 17;

/** A stable pseudo-date within `spanDays` before now, on the hour, different per member and per field. */
function memberTime(world: World, member: Member, field: { salt: number; spanDays: number }): number {
  return world.now - (stringHash(member.id, field.salt) % (field.spanDays * 24)) * HOUR;
}

export function memberById(world: World, id: string | null): Member | undefined {
  return id === null ? undefined : world.members.find((m) => m.id === id);
}

/** The user serializer: statusDetails.actor, activity users, seenBy, participants, members, owners, authors. */
export function serializeUser(world: World, member: Member): Record<string, unknown> {
  return {
    id: member.id,
    name: member.name,
    username: member.username,
    email: member.email,
    avatarUrl: `https://gravatar.example/avatar/${member.id}?s=32&d=mm`,
    isActive: true,
    isSuspended: false,
    hasPasswordAuth: true,
    isManaged: false,
    dateJoined: iso(memberTime(world, member, JOINED)),
    lastLogin: iso(memberTime(world, member, LAST_LOGIN)),
    has2fa: true,
    lastActive: iso(memberTime(world, member, LAST_ACTIVE)),
    isSuperuser: false,
    isStaff: false,
    experiments: {},
    emails: [{ id: String(Number(member.id) + EMAIL_ID_OFFSET), email: member.email, is_verified: true }],
    avatar: { avatarType: "letter_avatar", avatarUuid: null, avatarUrl: null },
  };
}
