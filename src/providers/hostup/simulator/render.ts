import type { Person } from '../../../simkit/people.js';
import { HOSTUP_DEFAULT_TIMEZONE } from '../settings.js';
import { formatWallTime } from '../time.js';
import { hydrate, type SimAttachment, type SimMessage, type SimTicket } from './data.js';

/** HostBill's `YYYY-MM-DD HH:MM:SS`, a Swedish wall clock (the zone the client reads by default). */
export function hostbillTime(ms: number | null): string {
  if (ms === null) return '0000-00-00 00:00:00';
  return formatWallTime(ms, HOSTUP_DEFAULT_TIMEZONE);
}
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const fullName = (p: Person) => `${p.firstName} ${p.lastName}`;
/** HostBill admin ids (staff) and client ids live in separate tables. */
const adminId = (p: Person) => String(p.key + 1);
const clientId = (p: Person) => String(1000 + p.key);

const V1_STATUS: Record<SimTicket['status'], string> = {
  open: 'Open',
  answered: 'Answered',
  customer_reply: 'Customer-Reply',
  in_progress: 'In-Progress',
  on_hold: 'On-Hold',
  closed: 'Closed',
  // A custom HostBill status with no v2 counterpart: the one v2 reports as `unknown`.
  unknown: 'Awaiting-Billing',
};
const STATUS_COLOR: Record<SimTicket['status'], string> = {
  open: '#5cb85c',
  answered: '#f0ad4e',
  customer_reply: '#d9534f',
  in_progress: '#5bc0de',
  on_hold: '#777777',
  closed: '#333333',
  unknown: '#999999',
};
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const lastMessageAt = (t: SimTicket) => t.messages.at(-1)?.sentAt ?? null;

function v1Reply(t: SimTicket, m: SimMessage) {
  const person = m.person;
  return {
    id: m.replyId,
    ticket_id: t.rowId,
    replier_id: person ? (m.sender === 'staff' ? adminId(person) : clientId(person)) : '0',
    name: person ? fullName(person) : 'HostUp Support Bot',
    email: person ? person.email : 'noreply@hostup.se',
    date: hostbillTime(m.sentAt),
    lastedit: hostbillTime(m.sentAt),
    editby: '',
    body: m.body,
    status: '',
    type: m.sender === 'staff' ? 'Admin' : m.sender === 'customer' ? 'Client' : 'System',
    flags: 0,
    senderip: m.sender === 'customer' ? '192.0.2.44' : '',
    rating: '0',
    rate_date: '0000-00-00 00:00:00',
    from: m.sender === 'customer' ? 'client_area' : 'admin_area',
    gravatar: '',
  };
}

/** The seed's HostBill-shaped ticket: every field a string, "0" for nobody, zero dates for never. */
export function renderV1Ticket(t: SimTicket, options: { numberAsInteger?: boolean } = {}) {
  hydrate(t);
  const last = lastMessageAt(t);
  return {
    id: t.rowId,
    parent_id: '0',
    date: hostbillTime(t.createdAt),
    lastreply: hostbillTime(last ?? t.createdAt),
    lastupdate: hostbillTime(t.updatedAt),
    lastedit: hostbillTime(t.updatedAt),
    editby: '',
    ticket_number: t.number,
    acc_hash: `${t.rowId}${t.number}`.split('').reverse().join('').padEnd(16, 'a'),
    dept_id: String(t.department.id),
    client_id: clientId(t.requester),
    creator_id: clientId(t.requester),
    name: fullName(t.requester),
    email: t.requester.email,
    cc: t.ccEmails.join(','),
    bcc: '',
    subject: t.subject,
    body: t.body,
    status: V1_STATUS[t.status],
    priority: capitalise(t.priority),
    flags: 0,
    tags: t.tags,
    admin_read: '1',
    client_read: '1',
    type: 'Client',
    request_type: 'Ticket',
    senderip: '192.0.2.44',
    escalated: t.priority === 'critical' ? '1' : '0',
    sla_id: '0',
    start_date: hostbillTime(t.createdAt),
    resolve_date: hostbillTime(t.closedAt),
    owner_id: t.owner ? adminId(t.owner) : '0',
    metadata: [] as string[],
    brand_id: '1',
    deadline: '0000-00-00 00:00:00',
    deptname: t.department.name,
    viewtime: hostbillTime(t.updatedAt),
    share: '0',
    share_tag: '',
    client_group: 'Default',
    status_color: STATUS_COLOR[t.status],
    org_deptname: t.department.name,
    from: 'client_area',
    subscriptions: [] as string[],
    owner: t.owner
      ? {
          id: adminId(t.owner),
          username: t.owner.email.split('@')[0] as string,
          firstname: t.owner.firstName,
          lastname: t.owner.lastName,
          email: t.owner.email,
          status: 'Active',
        }
      : null,
    replies: t.messages.map((m) => v1Reply(t, m)),
    attachments: t.attachments.map((a) => a.filename),
    notes: t.notes,
    // The create response documents `number` as a JSON number, GET as a string.
    number: options.numberAsInteger ? Number(t.number) : t.number,
    linkedServices: t.linkedService
      ? [
          {
            id: `${t.rowId}1`,
            ticketNumber: t.number,
            clientId: clientId(t.requester),
            serviceType: t.linkedService.serviceType,
            serviceId: t.linkedService.serviceId,
            serviceName: t.linkedService.serviceName,
            metadata: { status: 'Active', nextDue: '2027-01-01', hostname: `${t.linkedService.serviceName}.hostup.se` },
            aiSummary: '',
            aiHelpful: '',
            createdAt: hostbillTime(t.createdAt),
            updatedAt: hostbillTime(t.createdAt),
          },
        ]
      : [],
  };
}

function v2Attachment(t: SimTicket, a: SimAttachment, origin: string) {
  return {
    id: a.id,
    filename: a.filename,
    contentType: a.contentType,
    byteLength: a.byteLength,
    downloadUrl: `${origin}/api/v2/support/attachments/${a.id}?ticketId=${t.id}`,
  };
}

export function renderV2Message(t: SimTicket, m: SimMessage, origin: string) {
  hydrate(t);
  return {
    id: m.id,
    ticketId: t.id,
    sentAt: iso(m.sentAt),
    body: m.body,
    sender: m.sender,
    senderName: m.person ? fullName(m.person) : m.sender === 'automation' ? 'HostUp Support Bot' : null,
    encrypted: m.encrypted,
    attachments: m.attachments.map((a) => v2Attachment(t, a, origin)),
  };
}

export function renderV2Summary(t: SimTicket) {
  hydrate(t);
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    departmentSlug: t.department.slug,
    departmentName: t.department.name,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    lastMessageAt: iso(lastMessageAt(t)),
    ccEmails: t.ccEmails,
    requesterName: fullName(t.requester),
    messageCount: t.messages.length,
    linkedServices: t.linkedService ? [{ ...t.linkedService, details: { status: 'active', planName: `${t.linkedService.serviceType.toUpperCase()} S` } }] : [],
  };
}

export function renderV2Ticket(t: SimTicket, origin: string) {
  hydrate(t);
  return {
    ...renderV2Summary(t),
    body: t.body,
    attachments: t.attachments.map((a) => v2Attachment(t, a, origin)),
    messages: t.messages.map((m) => renderV2Message(t, m, origin)),
  };
}
