import type { ZaiaChat, ZaiaTicket, ZaiaTicketDetails, ZaiaTicketingTeam } from '../wire.js';
import { DAY, Random, SANDBOX_EPOCH } from '../../../simkit/random.js';
import type { SimulatorOptions } from '../../../simkit/types.js';

/** Wire statuses the sandbox uses (inferred: Zaia does not publish the enum). */
export const ZAIA_STATUSES = ['pending', 'ongoing', 'completed'] as const;
export type ZaiaWireStatus = (typeof ZAIA_STATUSES)[number];
export const ZAIA_CHANNEL_TYPES = ['widget', 'waha', 'whatsapp', 'instagram', 'api'] as const;

export interface SimUser {
  id: string;
  name: string;
  email: string;
  picture: string | null;
}
export interface SimTeam {
  id: string;
  name: string;
  picture: string | null;
  createdAt: number;
  updatedAt: number;
}
export interface SimChannel {
  id: string;
  name: string;
  type: (typeof ZAIA_CHANNEL_TYPES)[number];
}
export interface SimResponder {
  entity: string;
  id: string;
  name: string;
  picture: string | null;
  versionId: string | null;
  versionNumber: number | null;
}
export interface SimOwner {
  /** The chat owner's "super identity" id. */
  id: string;
  entity: 'user' | 'external_user';
  email: string | null;
  identifier: string | null;
  name: string | null;
  blocked: boolean | null;
}
export interface SimChat {
  id: string;
  channel: SimChannel | null;
  owner: SimOwner;
  responder: SimResponder;
  isRemoved: boolean;
  lastMessageAt: number | null;
  createdAt: number;
  updatedAt: number;
}
export interface SimTicket {
  id: string;
  chat: SimChat;
  status: string;
  summary: string;
  circumstance: 'takeover' | 'handover';
  createdAt: number;
  /** The raw entity's updatedAt: moves on every write (the details row does not show it). */
  updatedAt: number;
  ongoingAt: number | null;
  completedAt: number | null;
  lastViewedAt: number | null;
  assigneeId: string | null;
  teamId: string | null;
  pendingChatMessages: number;
  /** tagId → when the link was made. */
  tags: Map<string, number>;
}
export interface SimTag {
  id: string;
  name: string;
}

const TAG_NAMES = ['billing', 'bug', 'vip', 'refund', 'onboarding', 'complaint', 'feature-request', 'urgent'];
const TEAM_NAMES = ['Customer Support', 'Billing', 'Sales', 'Technical'];
const RESPONDER_NAMES = ['Zaia Atendente', 'Sales Assistant', 'Helpdesk Bot'];

/**
 * The workspace's tags. The API has no documented tag read, so tests and tools get the
 * ids from here (deterministic per seed, independent of the ticket count).
 */
export function zaiaSandboxTags(seed: number): SimTag[] {
  const random = new Random(seed).fork('zaia-tags');
  return TAG_NAMES.map((name) => ({ id: fastUuid(random), name }));
}

const VARIANT = '89ab';

/**
 * A UUID v4 from 4 draws of the seeded stream: Random.uuid() draws once per hex digit,
 * which dominates generation time at 100,000 tickets.
 */
export function fastUuid(random: Random): string {
  const word = () =>
    Math.floor(random.next() * 4294967296)
      .toString(16)
      .padStart(8, '0');
  const a = word();
  const b = word();
  const c = word();
  const d = word();
  const variant = VARIANT[parseInt(c.charAt(0), 16) & 3] as string;
  return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The details row's stand-in for updatedAt; lists are sorted by it (desc), then id (desc). */
export const sortTime = (t: SimTicket): number => Math.max(t.createdAt, t.ongoingAt ?? 0, t.completedAt ?? 0);

export interface ZaiaData {
  workspaceId: string;
  users: SimUser[];
  usersById: Map<string, SimUser>;
  teams: SimTeam[];
  teamsById: Map<string, SimTeam>;
  tags: SimTag[];
  tagsById: Map<string, SimTag>;
  chats: SimChat[];
  chatsById: Map<string, SimChat>;
  tickets: Map<string, SimTicket>;
  /** Randomness for writes (generated summaries), separate from the generation stream. */
  writes: Random;
  newId(): string;
}

/** One linear pass; sorting happens in the store, once, on first use. */
export function generateZaiaData(options: SimulatorOptions): ZaiaData {
  const random = new Random(options.seed).fork('zaia');
  const workspaceId = fastUuid(random);
  const oldest = SANDBOX_EPOCH - 240 * DAY;

  const users: SimUser[] = options.people.staff.map((p, i) => ({
    id: fastUuid(random),
    name: `${p.firstName} ${p.lastName}`,
    email: p.email,
    picture: i % 4 === 3 ? null : p.avatarUrl,
  }));
  const teams: SimTeam[] = TEAM_NAMES.map((name, i) => {
    const createdAt = random.time(oldest - 90 * DAY, oldest);
    return { id: fastUuid(random), name, picture: i % 2 === 0 ? `https://cdn.zaia.example/teams/${i}.png` : null, createdAt, updatedAt: createdAt + DAY };
  });
  const channels: SimChannel[] = ZAIA_CHANNEL_TYPES.map((type) => ({ id: fastUuid(random), name: `${type} channel`, type }));
  const responders: SimResponder[] = RESPONDER_NAMES.map((name, i) => ({
    entity: 'agent',
    id: fastUuid(random),
    name,
    picture: i === 2 ? null : `https://cdn.zaia.example/agents/${i}.png`,
    versionId: fastUuid(random),
    versionNumber: random.int(1, 40),
  }));
  // A human answering the chat directly: no agent version behind it.
  const firstStaff = users[0] as SimUser;
  responders.push({ entity: 'user', id: firstStaff.id, name: firstStaff.name, picture: firstStaff.picture, versionId: null, versionNumber: null });

  const owners: SimOwner[] = options.people.customers.map((p) => {
    const platformUser = random.bool(0.1);
    return {
      id: fastUuid(random),
      entity: platformUser ? 'user' : 'external_user',
      email: platformUser ? p.email : null,
      identifier: platformUser ? null : random.bool(0.6) ? p.phone : p.email,
      name: random.bool(0.9) ? `${p.firstName} ${p.lastName}` : null,
      blocked: platformUser ? null : random.bool(0.05),
    };
  });

  const chats: SimChat[] = [];
  const chatsById = new Map<string, SimChat>();
  const newChat = (createdAt: number): SimChat => {
    const chat: SimChat = {
      id: fastUuid(random),
      channel: random.bool(0.95) ? random.pick(channels) : null,
      owner: random.pick(owners),
      responder: random.bool(0.9) ? random.pick(responders.slice(0, 3)) : (responders[3] as SimResponder),
      isRemoved: random.bool(0.04),
      lastMessageAt: createdAt + random.int(60_000, 3 * DAY),
      createdAt,
      updatedAt: createdAt,
    };
    chat.updatedAt = chat.lastMessageAt ?? createdAt;
    chats.push(chat);
    chatsById.set(chat.id, chat);
    return chat;
  };

  const tags = zaiaSandboxTags(options.seed);
  const tickets = new Map<string, SimTicket>();
  const latest = SANDBOX_EPOCH - 60_000;
  for (let i = 0; i < options.tickets; i++) {
    const createdAt = random.time(oldest, SANDBOX_EPOCH - 2 * 3_600_000);
    // Most tickets are the only handover of their chat; some chats come back later.
    const reused = chats.length > 0 && random.bool(0.15) ? random.pick(chats) : undefined;
    const chat = reused && reused.createdAt < createdAt ? reused : newChat(createdAt - random.int(60_000, 3_600_000));
    const roll = random.next();
    const status: ZaiaWireStatus = roll < 0.25 ? 'pending' : roll < 0.55 ? 'ongoing' : 'completed';
    let ongoingAt: number | null = null;
    let completedAt: number | null = null;
    if (status !== 'pending' && (status === 'ongoing' || random.bool(0.85))) {
      ongoingAt = createdAt + random.int(60_000, Math.min(2 * DAY, latest - createdAt));
    }
    if (status === 'completed') {
      const from = ongoingAt ?? createdAt;
      completedAt = from + random.int(Math.min(600_000, latest - from), Math.min(5 * DAY, latest - from));
    }
    const circumstance = random.bool(0.7) ? 'handover' : 'takeover';
    const assigned = status !== 'pending' || random.bool(0.5);
    const ticketTags = new Map<string, number>();
    const tagCount = random.int(0, 3) - 1;
    for (let k = 0; k < tagCount; k++) ticketTags.set(random.pick(tags).id, createdAt + random.int(1000, 3_600_000));
    const ticket: SimTicket = {
      id: fastUuid(random),
      chat,
      status,
      summary: `${circumstance === 'handover' ? 'Handed over' : 'Taken over'}: ${random.sentence()}`,
      circumstance,
      createdAt,
      updatedAt: Math.max(createdAt, ongoingAt ?? 0, completedAt ?? 0) + (random.bool(0.3) ? random.int(1000, 600_000) : 0),
      ongoingAt,
      completedAt,
      lastViewedAt: assigned && random.bool(0.7) ? Math.min(latest, (ongoingAt ?? createdAt) + random.int(1000, DAY)) : null,
      assigneeId: assigned ? random.pick(users).id : null,
      teamId: random.bool(0.85) ? random.pick(teams).id : null,
      pendingChatMessages: status === 'completed' ? 0 : random.int(0, 6),
      tags: ticketTags,
    };
    tickets.set(ticket.id, ticket);
  }
  // Chats without tickets, ready for createTicket.
  const spare = 10 + Math.ceil(options.tickets / 20);
  for (let i = 0; i < spare; i++) newChat(random.time(SANDBOX_EPOCH - 30 * DAY, SANDBOX_EPOCH - DAY));

  const writes = new Random(options.seed).fork('zaia-writes');
  return {
    workspaceId,
    users,
    usersById: new Map(users.map((u) => [u.id, u])),
    teams,
    teamsById: new Map(teams.map((t) => [t.id, t])),
    tags,
    tagsById: new Map(tags.map((t) => [t.id, t])),
    chats,
    chatsById,
    tickets,
    writes,
    newId: () => fastUuid(writes),
  };
}

/** Documented fields of a details row that the client does not read (wire.ts validates only what it maps). */
export interface ZaiaUnreadDetailsFields {
  workspaceId: string;
  chatIsRemoved: boolean;
  pendingChatMessages: number;
  responderVersionId: string | null;
  responderVersionNumber: number | null;
}

/** The denormalised row of `…/details`: every documented field, null where null. */
export function detailsRow(data: ZaiaData, t: SimTicket): ZaiaTicketDetails & ZaiaUnreadDetailsFields {
  const assignee = t.assigneeId ? data.usersById.get(t.assigneeId) : undefined;
  const team = t.teamId ? data.teamsById.get(t.teamId) : undefined;
  const { chat } = t;
  return {
    assigneeEmail: assignee?.email ?? null,
    assigneeId: t.assigneeId,
    assigneeName: assignee?.name ?? null,
    assigneePicture: assignee?.picture ?? null,
    channelId: chat.channel?.id ?? null,
    channelName: chat.channel?.name ?? null,
    channelType: chat.channel?.type ?? null,
    chatId: chat.id,
    chatIsRemoved: chat.isRemoved,
    chatOwnerId: chat.owner.id,
    completedAt: isoOrNull(t.completedAt),
    createdAt: iso(t.createdAt),
    id: t.id,
    isOwnerBlocked: chat.owner.blocked,
    ongoingAt: isoOrNull(t.ongoingAt),
    ownerEmail: chat.owner.email,
    ownerEntity: chat.owner.entity,
    ownerIdentifier: chat.owner.identifier,
    ownerName: chat.owner.name,
    pendingChatMessages: t.pendingChatMessages,
    responderEntity: chat.responder.entity,
    responderId: chat.responder.id,
    responderName: chat.responder.name,
    responderPicture: chat.responder.picture,
    responderVersionId: chat.responder.versionId,
    responderVersionNumber: chat.responder.versionNumber,
    status: t.status,
    summary: t.summary,
    ticketingTeamId: t.teamId,
    ticketingTeamName: team?.name ?? null,
    ticketingTeamPicture: team?.picture ?? null,
    workspaceId: data.workspaceId,
  };
}

/** The raw entity the mutations answer with. */
export function ticketEntity(t: SimTicket): ZaiaTicket {
  return {
    createdAt: iso(t.createdAt),
    id: t.id,
    updatedAt: iso(t.updatedAt),
    assigneeId: t.assigneeId,
    chatId: t.chat.id,
    circumstance: t.circumstance,
    completedAt: isoOrNull(t.completedAt),
    lastViewedAt: isoOrNull(t.lastViewedAt),
    ongoingAt: isoOrNull(t.ongoingAt),
    status: t.status,
    summary: t.summary,
    ticketingTeamId: t.teamId,
  };
}

export function teamPayload(data: ZaiaData, team: SimTeam): ZaiaTicketingTeam {
  return { id: team.id, workspaceId: data.workspaceId, name: team.name, picture: team.picture, createdAt: iso(team.createdAt), updatedAt: iso(team.updatedAt) };
}

export function chatPayload(data: ZaiaData, chat: SimChat): ZaiaChat {
  return {
    id: chat.id,
    workspaceId: data.workspaceId,
    channelId: chat.channel?.id ?? null,
    channelType: chat.channel?.type ?? null,
    ownerId: chat.owner.id,
    ownerEntity: chat.owner.entity,
    responderEntity: chat.responder.entity,
    responderId: chat.responder.id,
    isRemoved: chat.isRemoved,
    lastMessageAt: isoOrNull(chat.lastMessageAt),
    createdAt: iso(chat.createdAt),
    updatedAt: iso(chat.updatedAt),
  };
}
