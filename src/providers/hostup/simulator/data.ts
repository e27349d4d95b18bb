import type { HostupV2Status } from '../wire.js';
import type { Person } from '../../../simkit/people.js';
import { DAY, Random, SANDBOX_EPOCH } from '../../../simkit/random.js';
import type { SimulatorOptions } from '../../../simkit/types.js';

/*
 * One store behind both API generations: every ticket has a v2 public id (`tkt_…`) and a
 * numeric number (what v1 reads by), and is rendered in either dialect on the way out.
 */

export interface Department {
  /** v1 dept_id. */
  id: number;
  slug: string;
  name: string;
  description: string;
  email: string;
}

export const DEPARTMENTS: readonly Department[] = [
  { id: 1, slug: 'general-web-hosting', name: 'General - Web hosting', description: 'Help with your web hosting service, or anything else not listed below.', email: 'info@hostup.se' },
  { id: 2, slug: 'domain-names', name: 'Domain names', description: 'For everything related to your domain names', email: 'registry@hostup.se' },
  { id: 3, slug: 'vps', name: 'VPS', description: 'VPS, IP addresses and VPS networking', email: 'vps@hostup.se' },
  { id: 4, slug: 'billing', name: 'Billing', description: 'Invoices, payments and refunds', email: 'billing@hostup.se' },
  { id: 5, slug: 'sales', name: 'Sales', description: 'Questions before you buy', email: 'sales@hostup.se' },
];

export type Sender = 'customer' | 'staff' | 'automation';

export interface SimAttachment {
  id: string;
  filename: string;
  contentType: string;
  byteLength: number;
}

export interface SimMessage {
  id: string;
  /** HostBill reply id (v1). */
  replyId: string;
  sentAt: number;
  /** Null until first rendered (see hydrate): text is the slow part of generating 100,000 tickets. */
  body: string | null;
  sender: Sender;
  person: Person | null;
  encrypted: boolean;
  attachments: SimAttachment[];
}

export interface SimTicket {
  id: string;
  number: string;
  /** HostBill internal row id (v1 `id`). */
  rowId: string;
  /** Subject and body are null until first rendered (see hydrate). */
  subject: string | null;
  body: string | null;
  /** Seeds the lazily generated texts, so they are the same on every run. */
  textSeed: number;
  status: HostupV2Status;
  priority: 'low' | 'medium' | 'high' | 'urgent' | 'critical';
  department: Department;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  requester: Person;
  owner: Person | null;
  ccEmails: string[];
  tags: string[];
  notes: string[];
  messages: SimMessage[];
  attachments: SimAttachment[];
  linkedService: { serviceType: string; serviceId: string; serviceName: string } | null;
  criticalReason: string | null;
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** `<prefix>_` + 26 lowercase Crockford characters: 10 of time, 16 random (ULID-like, as HostUp's). */
export function publicId(prefix: string, time: number, random: Random): string {
  let head = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[t % 32] + head;
    t = Math.floor(t / 32);
  }
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[random.int(0, 31)];
  return `${prefix}_${head}${tail}`;
}

// Weighted so every value appears, `unknown` rarely (it is HostUp's "could not classify").
const STATUS_WEIGHTS: [HostupV2Status, number][] = [
  ['open', 20],
  ['answered', 18],
  ['customer_reply', 12],
  ['in_progress', 14],
  ['on_hold', 8],
  ['closed', 25],
  ['unknown', 3],
];
const PRIORITIES: SimTicket['priority'][] = ['low', 'medium', 'medium', 'medium', 'high', 'high', 'urgent', 'critical'];
const TAGS = ['vip', 'migration', 'dns', 'ssl', 'refund', 'outage', 'wordpress', 'email'];
const SERVICE_TYPES = ['domain', 'hosting', 'vps'] as const;

function weighted<T>(random: Random, table: [T, number][]): T {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (table[table.length - 1] as [T, number])[0];
}

/** Fills the texts left out at generation, deterministically from the ticket's seed. */
export function hydrate(ticket: SimTicket): SimTicket {
  if (ticket.subject !== null && ticket.body !== null && ticket.messages.every((m) => m.body !== null)) return ticket;
  const random = new Random(ticket.textSeed);
  const subject = random.sentence(random.int(3, 7));
  ticket.subject ??= subject;
  const body = random.paragraph();
  ticket.body ??= body;
  for (const message of ticket.messages) {
    const text = random.paragraph();
    message.body ??= text;
  }
  return ticket;
}

export interface HostupStore {
  byId: Map<string, SimTicket>;
  byNumber: Map<string, SimTicket>;
  /** All tickets, updatedAt desc then id desc: the list's order. */
  sorted(): SimTicket[];
  /** Marks the order stale after a write (re-sorted on the next list). */
  touch(ticket: SimTicket, time?: number): void;
  add(ticket: SimTicket): void;
  nextNumber(): string;
  nextRowId(): string;
  random: Random;
  /** The API key's account holder: who v2 replies and creates are sent as. */
  account: Person;
}

export const compareListOrder = (a: SimTicket, b: SimTicket): number => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** One linear pass: up to 100,000 tickets in well under a second. */
export function generateStore(options: SimulatorOptions): HostupStore {
  const random = new Random(options.seed).fork('hostup');
  const { staff, customers } = options.people;
  const byId = new Map<string, SimTicket>();
  const byNumber = new Map<string, SimTicket>();
  const all: SimTicket[] = [];
  const span = 180 * DAY;
  let number = 600_000;
  let replySeq = 2_000_000;

  for (let i = 0; i < options.tickets; i++) {
    number += random.int(1, 3);
    const createdAt = random.time(SANDBOX_EPOCH - span, SANDBOX_EPOCH - DAY);
    const requester = random.pick(customers);
    const owner = random.bool(0.7) ? random.pick(staff) : null;
    const status = weighted(random, STATUS_WEIGHTS);
    const messages: SimMessage[] = [];
    let time = createdAt;
    const count = random.int(0, 4);
    for (let m = 0; m < count; m++) {
      const next = time + random.int(10 * 60_000, 2 * DAY);
      if (next > SANDBOX_EPOCH - 60_000) break;
      time = next;
      // Alternate roughly customer/staff; an occasional automated acknowledgement first.
      const sender: Sender = m === 0 && random.bool(0.2) ? 'automation' : m % 2 === 0 ? 'staff' : 'customer';
      const person = sender === 'staff' ? (owner ?? random.pick(staff)) : sender === 'customer' ? requester : null;
      messages.push({
        id: publicId('tmsg', time, random),
        replyId: String(++replySeq),
        sentAt: time,
        body: null,
        sender,
        person,
        encrypted: random.bool(0.05),
        attachments: random.bool(0.1) ? [{ id: publicId('tatt', time, random), filename: 'screenshot.png', contentType: 'image/png', byteLength: random.int(2_000, 900_000) }] : [],
      });
    }
    const updatedAt = Math.max(time, Math.min(SANDBOX_EPOCH - 1_000, createdAt + random.int(60_000, DAY)));
    const department = random.pick(DEPARTMENTS);
    const ticket: SimTicket = {
      id: publicId('tkt', createdAt, random),
      number: String(number),
      rowId: String(40_000 + i),
      subject: null,
      body: null,
      textSeed: random.int(1, 2 ** 31 - 1),
      status,
      priority: random.pick(PRIORITIES),
      department,
      createdAt,
      updatedAt,
      closedAt: status === 'closed' ? updatedAt : null,
      requester,
      owner,
      ccEmails: random.bool(0.15) ? [random.pick(customers).email] : [],
      tags: random.bool(0.4) ? [...new Set([random.pick(TAGS), random.pick(TAGS)])].slice(0, random.int(1, 2)) : [],
      notes: random.bool(0.25) ? [random.sentence()] : [],
      messages,
      attachments: random.bool(0.1) ? [{ id: publicId('tatt', createdAt, random), filename: 'error-log.txt', contentType: 'text/plain', byteLength: random.int(200, 40_000) }] : [],
      linkedService: random.bool(0.5)
        ? (() => {
            const serviceType = random.pick(SERVICE_TYPES);
            return { serviceType, serviceId: publicId(serviceType === 'domain' ? 'dom' : serviceType, createdAt, random), serviceName: `${serviceType}-${random.int(1, 99)}` };
          })()
        : null,
      criticalReason: null,
    };
    byId.set(ticket.id, ticket);
    byNumber.set(ticket.number, ticket);
    all.push(ticket);
  }

  let order = [...all].sort(compareListOrder);
  let stale = false;
  let rowSeq = 40_000 + options.tickets;
  const account = customers[0] as Person;
  return {
    byId,
    byNumber,
    random,
    account,
    sorted() {
      if (stale) {
        order.sort(compareListOrder);
        stale = false;
      }
      return order;
    },
    touch(ticket, time = Date.now()) {
      ticket.updatedAt = Math.max(time, ticket.updatedAt);
      stale = true;
    },
    add(ticket) {
      byId.set(ticket.id, ticket);
      byNumber.set(ticket.number, ticket);
      order = [ticket, ...order];
      stale = true;
    },
    nextNumber() {
      number += random.int(1, 3);
      return String(number);
    },
    nextRowId() {
      return String(++rowSeq);
    },
  };
}
