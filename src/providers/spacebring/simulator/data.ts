import { SPACEBRING_STATUSES, SPACEBRING_TYPES } from '../wire.js';
import type { Person } from '../../../simkit/people.js';
import { DAY, Random, SANDBOX_EPOCH } from '../../../simkit/random.js';
import type { SimulatorOptions } from '../../../simkit/types.js';

/*
 * Compact state of the Spacebring simulator. Payloads are rendered per request from
 * these records (routes.ts), so 100,000 tickets stay cheap to hold and to generate.
 */

export interface SbPerson {
  person: Person;
  userId: string;
  membershipId: string;
  staff: boolean;
}

export interface SbAttachment {
  key: string;
  mime: string;
  name: string;
  size: number;
  width?: number;
  height?: number;
}

export type SbActivity =
  | { id: string; type: 'ticketCreated'; at: number; actor: SbPerson | null; text: string }
  | { id: string; type: 'comment'; at: number; actor: SbPerson | null; lemAI: boolean; text: string | null; attachments: SbAttachment[] }
  | { id: string; type: 'statusUpdated'; at: number; actor: SbPerson | null; status: string; previous: string }
  | { id: string; type: 'assigneeUpdated'; at: number; actor: SbPerson | null; assignee: SbPerson | null; previous: SbPerson | null };

export interface SbTicket {
  id: string;
  number: number;
  locationRef: string;
  description: string;
  status: string;
  type: string;
  createDate: number;
  updateDate: number;
  statusUpdateDate: number;
  requester: SbPerson;
  assignee: SbPerson | null;
  activities: SbActivity[];
}

export interface SbLocation {
  id: string;
  name: string;
  nextNumber: number;
  /** Ticket ids sorted by updateDate desc, then id desc: the list's index. */
  byUpdate: SbTicket[];
}

export interface SbState {
  networkId: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  locations: Map<string, SbLocation>;
  tickets: Map<string, SbTicket>;
  /** Comment activity id → its ticket (DELETE …/comment/{id}). */
  comments: Map<string, SbTicket>;
  usersById: Map<string, SbPerson>;
  membershipsById: Map<string, SbPerson>;
  staff: SbPerson[];
  /** Who an OAuth token acts as: the requester of tickets created without userRefRequester. */
  apiUser: SbPerson;
  random: Random;
  /** Simulated clock for writes: always after every generated timestamp. */
  clock: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const word = (random: Random) => (random.next() * 0x1_0000_0000) >>> 0;
const hex32 = (n: number) => (HEX[n >>> 24] as string) + HEX[(n >>> 16) & 255] + HEX[(n >>> 8) & 255] + HEX[n & 255];

/**
 * A UUID v4-shaped string from four draws: Random.uuid() draws once per hex digit, too
 * slow for the 100,000-ticket benchmark data (about ten ids per ticket).
 */
export function fastUuid(random: Random): string {
  const a = hex32(word(random));
  const b = hex32(word(random));
  const c = word(random);
  const d = hex32(word(random));
  const cHex = hex32(c);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${'89ab'[c >>> 30]}${cHex.slice(1, 4)}-${cHex.slice(4, 8)}${d}`;
}

export const compareByUpdateDesc = (a: SbTicket, b: SbTicket): number => b.updateDate - a.updateDate || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const LOCATION_NAMES = ['Stockholm Hub', 'Göteborg Loft', 'Malmö Yard'];
const LEM_AI_SHARE = 0.12;

const TOPICS: Record<string, string[]> = {
  access: ['Door card does not open the main entrance', 'Cannot get into the building after 18:00'],
  accountAndBilling: ['Invoice shows a duplicate charge', 'Please update our billing address'],
  bookings: ['Meeting room booking disappeared', 'Cannot book the large room for Friday'],
  cleaning: ['Kitchen was not cleaned this morning', 'Spill in the hallway on floor 2'],
  internet: ['Wifi keeps dropping in the quiet zone', 'Ethernet port at desk 14 is dead'],
  printing: ['Printer on floor 3 is jammed', 'Cannot connect to the printer'],
  repairAndMaintenance: ['Desk lamp is broken', 'Window will not close'],
  temperatureAndVentilation: ['It is far too warm in room B', 'Ventilation is very noisy'],
  mailAndPackages: ['A package was delivered but not logged', 'Mail for our company is missing'],
  noiseAndAcoustics: ['Loud calls next to the focus area', 'Phone booth door rattles'],
  websiteAndApp: ['The app logs me out every day', 'Website shows the wrong opening hours'],
};

function firstLine(random: Random, type: string): string {
  const options = TOPICS[type];
  return options ? random.pick(options) : random.sentence(6).replace(/\.$/, '');
}

/** One linear pass: ticket i is created at a time growing with i, so numbers grow with time per location. */
export function generate(options: SimulatorOptions): SbState {
  const random = new Random(options.seed).fork('spacebring');
  const toPerson = (person: Person, staff: boolean): SbPerson => ({ person, userId: fastUuid(random), membershipId: fastUuid(random), staff });
  const staff = options.people.staff.map((p) => toPerson(p, true));
  const customers = options.people.customers.map((p) => toPerson(p, false));
  const everyone = [...staff, ...customers];
  const usersById = new Map(everyone.map((p) => [p.userId, p]));
  const membershipsById = new Map(everyone.map((p) => [p.membershipId, p]));
  const locations = new Map<string, SbLocation>();
  for (const name of LOCATION_NAMES) {
    const id = fastUuid(random);
    locations.set(id, { id, name, nextNumber: 1, byUpdate: [] });
  }
  const locationList = [...locations.values()];
  const state: SbState = {
    networkId: fastUuid(random),
    clientId: `sb_client_${fastUuid(random).replace(/-/g, '').slice(0, 16)}`,
    clientSecret: `sb_secret_${fastUuid(random).replace(/-/g, '')}`,
    accessToken: `sb_oauth_${fastUuid(random).replace(/-/g, '')}${fastUuid(random).replace(/-/g, '')}`,
    locations,
    tickets: new Map(),
    comments: new Map(),
    usersById,
    membershipsById,
    staff,
    apiUser: staff[0] as SbPerson,
    random,
    clock: SANDBOX_EPOCH,
  };

  // A pool of texts: drawing fresh prose for every comment dominated generation time.
  const paragraphs = Array.from({ length: 400 }, () => random.paragraph());
  const count = Math.max(0, options.tickets);
  const span = 180 * DAY;
  const start = SANDBOX_EPOCH - span - 7 * DAY;
  for (let i = 0; i < count; i++) {
    const location = random.pick(locationList);
    const type = random.pick(SPACEBRING_TYPES);
    const requester = random.pick(customers);
    const createDate = Math.floor(start + (i / Math.max(1, count)) * span + random.int(0, 3_600_000));
    const description = `${firstLine(random, type)}\n\n${random.pick(paragraphs)}`;
    const finalStatus = random.pick(SPACEBRING_STATUSES);
    const ticket: SbTicket = {
      id: fastUuid(random),
      number: location.nextNumber++,
      locationRef: location.id,
      description,
      status: 'new',
      type,
      createDate,
      updateDate: createDate,
      statusUpdateDate: createDate,
      requester,
      assignee: null,
      activities: [],
    };
    let at = createDate;
    const step = () => (at += random.int(5 * 60_000, 2 * DAY));
    ticket.activities.push({ id: fastUuid(random), type: 'ticketCreated', at, actor: requester, text: description });
    if (random.bool(LEM_AI_SHARE)) {
      ticket.activities.push({ id: fastUuid(random), type: 'comment', at: step(), actor: null, lemAI: true, text: random.pick(paragraphs), attachments: [] });
    }
    if (finalStatus !== 'new' || random.bool(0.3)) {
      const agent = random.pick(staff);
      ticket.activities.push({ id: fastUuid(random), type: 'assigneeUpdated', at: step(), actor: agent, assignee: agent, previous: null });
      ticket.assignee = agent;
    }
    const path = finalStatus === 'new' ? [] : finalStatus === 'inProgress' ? ['inProgress'] : ['inProgress', finalStatus];
    for (const status of path) {
      for (let c = random.int(0, 2); c > 0; c--) {
        const byAgent = ticket.assignee !== null && random.bool(0.5);
        const attachments: SbAttachment[] = random.bool(0.15)
          ? [{ key: `tickets/${ticket.id}/${random.int(1000, 9999)}.jpg`, mime: 'image/jpeg', name: 'photo.jpg', size: random.int(20_000, 900_000), width: 1280, height: 960 }]
          : [];
        ticket.activities.push({
          id: fastUuid(random),
          type: 'comment',
          at: step(),
          actor: byAgent ? ticket.assignee : requester,
          lemAI: false,
          text: random.pick(paragraphs),
          attachments,
        });
      }
      ticket.activities.push({ id: fastUuid(random), type: 'statusUpdated', at: step(), actor: ticket.assignee ?? state.apiUser, status, previous: ticket.status });
      ticket.status = status;
      ticket.statusUpdateDate = at;
    }
    if (finalStatus === 'new' && random.bool(0.4)) {
      ticket.activities.push({ id: fastUuid(random), type: 'comment', at: step(), actor: requester, lemAI: false, text: random.pick(paragraphs), attachments: [] });
    }
    // Timelines of recent tickets must not run past the sandbox's "now": squeeze them.
    const limit = SANDBOX_EPOCH - random.int(60_000, 3 * DAY);
    if (at > limit) {
      const scale = (limit - createDate) / (at - createDate);
      for (const activity of ticket.activities) activity.at = createDate + Math.floor((activity.at - createDate) * scale);
      at = createDate + Math.floor((at - createDate) * scale);
      const lastStatus = ticket.activities.findLast((a) => a.type === 'statusUpdated');
      if (lastStatus) ticket.statusUpdateDate = lastStatus.at;
    }
    ticket.updateDate = at;
    for (const activity of ticket.activities) if (activity.type === 'comment') state.comments.set(activity.id, ticket);
    state.tickets.set(ticket.id, ticket);
    location.byUpdate.push(ticket);
  }
  for (const location of locationList) location.byUpdate.sort(compareByUpdateDesc);
  return state;
}

/** A write time later than everything already stored, so the touched ticket sorts first. */
export function tick(state: SbState): number {
  state.clock = Math.max(state.clock + 1000, Date.now());
  return state.clock;
}

/** Moves a ticket whose updateDate just became the newest to the front of its location's index. */
export function touch(state: SbState, ticket: SbTicket, at: number): void {
  const location = state.locations.get(ticket.locationRef);
  ticket.updateDate = at;
  if (!location) return;
  const index = location.byUpdate.indexOf(ticket);
  if (index >= 0) location.byUpdate.splice(index, 1);
  location.byUpdate.unshift(ticket);
}
