import type { MoovTicket, MoovTicketStatus } from '../wire.js';
import type { Person } from '../../../simkit/people.js';
import { DAY, Random, SANDBOX_EPOCH } from '../../../simkit/random.js';
import type { SimulatorOptions } from '../../../simkit/types.js';

const HOUR = 3_600_000;

export interface SimMessage {
  author: string;
  /** Null until first served: generated from the ticket's `bodySeed` (keeps 100k tickets fast to start). */
  body: string | null;
  sentOn: number;
}

export interface SimTicket {
  accountId: string;
  ticketID: string;
  number: number;
  title: string;
  contact: { email: string; name?: string };
  status: MoovTicketStatus;
  createdOn: number;
  updatedOn: number;
  latestMessageOn: number | null;
  closedOn: number | null;
  foreignID?: string;
  messages: SimMessage[];
  bodySeed: number;
}

/** The thread with every body filled in (deterministic per ticket, whenever it is first read). */
export function materializeMessages(ticket: SimTicket): { author: string; body: string; sentOn: number }[] {
  let random: Random | undefined;
  return ticket.messages.map((message) => {
    if (message.body === null) message.body = (random ??= new Random(ticket.bodySeed)).paragraph();
    return { author: message.author, body: message.body, sentOn: message.sentOn };
  });
}

/** A UUID v4 from four 32-bit draws: Random.uuid() draws per hex digit, too slow for 100k tickets. */
function fastUuid(random: Random): string {
  const word = () =>
    Math.floor(random.next() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  const a = word();
  const b = word();
  const c = word();
  const d = word();
  const variant = '89ab'[parseInt(c[0] as string, 16) & 3] as string;
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

export interface MoovSandboxCredentials {
  publicKey: string;
  secretKey: string;
  /** Access token with `/accounts/{id}/tickets.read` and `.write` on every sandbox account. */
  token: string;
  /** Access token with `tickets.read` only: writes answer 403. */
  readOnlyToken: string;
}

/** The sandbox's keys, derived from the seed so a restarted sandbox accepts the same ones. */
export function moovSandboxCredentials(seed: number): MoovSandboxCredentials {
  const random = new Random(seed).fork('moov-credentials');
  const hex = () => random.uuid().replace(/-/g, '');
  return { publicKey: `pk_sandbox_${hex()}`, secretKey: `sk_sandbox_${hex()}`, token: `moov_at_${hex()}`, readOnlyToken: `moov_at_ro_${hex()}` };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The wire shape (seed 001): optional fields are left out, not null, as Moov's Go API does. */
export function toWire(ticket: SimTicket): MoovTicket {
  const wire: MoovTicket = {
    ticketID: ticket.ticketID,
    number: ticket.number,
    title: ticket.title,
    contact: ticket.contact.name === undefined ? { email: ticket.contact.email } : { email: ticket.contact.email, name: ticket.contact.name },
    status: ticket.status,
    createdOn: iso(ticket.createdOn),
    updatedOn: iso(ticket.updatedOn),
  };
  if (ticket.latestMessageOn !== null) wire.latestMessageOn = iso(ticket.latestMessageOn);
  if (ticket.closedOn !== null) wire.closedOn = iso(ticket.closedOn);
  if (ticket.foreignID !== undefined) wire.foreignID = ticket.foreignID;
  return wire;
}

/** Assumed default order of the list (Moov documents none): updatedOn desc, then ticketID desc. */
export function compareTickets(a: SimTicket, b: SimTicket): number {
  return b.updatedOn - a.updatedOn || (a.ticketID < b.ticketID ? 1 : a.ticketID > b.ticketID ? -1 : 0);
}

const TOPICS = [
  'ACH transfer',
  'Card payment',
  'Payout',
  'Refund',
  'Wallet balance',
  'Bank account verification',
  'Webhook delivery',
  'API key',
  'Dispute',
  'Invoice',
  'Statement',
  'Sweep',
  'Capability request',
  'Onboarding',
];
const PROBLEMS = [
  'failed',
  'is stuck in pending',
  'charged twice',
  'missing from statement',
  'returned with R01',
  'not received',
  'rejected',
  'needs review',
  'delayed',
  'shows the wrong amount',
];

const fullName = (person: Person) => `${person.firstName} ${person.lastName}`;

/** Weighted so every status shows up, closed the most as in a real backlog. */
const STATUS_WEIGHTS: readonly [MoovTicketStatus, number][] = [
  ['new', 0.25],
  ['in-progress', 0.25],
  ['on-hold', 0.15],
  ['closed', 0.35],
];

function pickStatus(random: Random): MoovTicketStatus {
  let roll = random.next();
  for (const [status, weight] of STATUS_WEIGHTS) {
    if (roll < weight) return status;
    roll -= weight;
  }
  return 'closed';
}

/**
 * The sandbox's accounts and tickets, generated in one linear pass. Tickets are spread over
 * the six months before SANDBOX_EPOCH, requesters are the shared customers (so their emails
 * appear at other providers too) and replies come from the shared staff, standing in for
 * Moov's support agents.
 */
export function generateMoovData(options: SimulatorOptions): { accountIds: string[]; tickets: SimTicket[] } {
  const random = new Random(options.seed).fork('moov');
  const accountIds = [random.uuid(), random.uuid()];
  const numbers = new Map<string, number>();
  const tickets: SimTicket[] = [];
  const { customers, staff } = options.people;
  for (let i = 0; i < options.tickets; i++) {
    // Two accounts of unequal size, so paging per account is exercised unevenly.
    const accountId = (random.bool(0.6) ? accountIds[0] : accountIds[1]) as string;
    const number = (numbers.get(accountId) ?? 0) + 1;
    numbers.set(accountId, number);
    const customer = random.pick(customers);
    const contact = random.bool(0.85) ? { email: customer.email, name: fullName(customer) } : { email: customer.email };
    const customerAuthor = contact.name ?? contact.email;
    const agent = fullName(random.pick(staff));
    const status = pickStatus(random);
    const createdOn = random.time(SANDBOX_EPOCH - 180 * DAY, SANDBOX_EPOCH - 2 * DAY);
    const limit = SANDBOX_EPOCH - HOUR;
    // Each step takes at most half the time left before the epoch, so times stay distinct.
    const step = (from: number, maxGap: number) => from + random.int(1, Math.max(1, Math.min(maxGap, Math.floor((limit - from) / 2))));
    const count = status === 'new' ? random.int(1, 2) : random.int(2, 6);
    const messages: SimMessage[] = [{ author: customerAuthor, body: null, sentOn: createdOn }];
    let at = createdOn;
    for (let m = 1; m < count; m++) {
      at = step(at, 2 * DAY);
      // Mostly alternating agent/customer; sometimes the customer writes twice, by email.
      const byAgent = m % 2 === 1 ? random.bool(0.85) : random.bool(0.15);
      messages.push({ author: byAgent ? agent : random.bool(0.3) ? contact.email : customerAuthor, body: null, sentOn: at });
    }
    const latestMessageOn = at;
    const closedOn = status === 'closed' ? step(latestMessageOn, 3 * DAY) : null;
    // A status change without a message also moves updatedOn.
    const updatedOn = closedOn ?? (status === 'new' ? latestMessageOn : step(latestMessageOn, DAY));
    const ticket: SimTicket = {
      accountId,
      ticketID: fastUuid(random),
      number,
      // Two picks, not Random.sentence(): titles are generated for every ticket up front.
      title: `${random.pick(TOPICS)} ${random.pick(PROBLEMS)}`,
      contact,
      status,
      createdOn,
      updatedOn,
      latestMessageOn,
      closedOn,
      messages,
      bodySeed: Math.floor(random.next() * 0x1_0000_0000),
    };
    if (random.bool(0.3)) ticket.foreignID = `crm-${100_000 + i}`;
    tickets.push(ticket);
  }
  return { accountIds, tickets };
}
