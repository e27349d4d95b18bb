import type { ListTicketsQuery, TicketProvider } from '../../src/upstream/provider.js';
import { encodeId } from '../../src/ids.js';
import type { PageRow, ProviderPage } from '../../src/model/page.js';
import type { ProviderKey } from '../../src/model/provider.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { UpstreamError } from '../../src/upstream/errors.js';

export function fakeTicket(provider: ProviderKey, nativeId: string, updatedAt: number, overrides: Partial<TicketModel> = {}): TicketModel {
  return {
    id: encodeId('Ticket', provider, nativeId),
    provider,
    nativeId,
    number: null,
    title: `Ticket ${nativeId}`,
    titleDerived: false,
    description: null,
    status: 'OPEN',
    providerStatus: 'open',
    priority: null,
    providerPriority: null,
    type: null,
    requester: null,
    assignee: null,
    team: null,
    tags: [],
    activities: [],
    createdAt: new Date(updatedAt - 1000),
    updatedAt: new Date(updatedAt),
    closedAt: null,
    raw: {},
    ...overrides,
  };
}

/**
 * An in-memory provider in one of the paging styles the real ones use. It records
 * every call (the dataloader `loadCalls` trick), and can be told to fail.
 */
export class FakeProvider implements TicketProvider {
  readonly maxPageSize = 100;
  readonly pushdown = { statuses: false, assignee: false, requester: false, search: false, dates: false };
  readonly timeline = 'detail' as const;
  readonly calls: string[] = [];
  failWith: Error | null = null;
  /** Ids of the tickets whose list row was validated and mapped (issue 18: only rows the feed returns). */
  readonly mapped: string[] = [];
  /** Native ids whose list row breaks its schema: its ticket() throws, as rows.ts does. */
  readonly broken = new Set<string>();
  tickets: TicketModel[];

  constructor(
    readonly key: ProviderKey,
    tickets: TicketModel[],
    readonly style: 'cursor' | 'page' | 'offset',
  ) {
    this.tickets = tickets;
  }

  #sorted(): TicketModel[] {
    return [...this.tickets].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.nativeId < b.nativeId ? 1 : -1));
  }

  async getTicket(nativeId: string): Promise<TicketModel> {
    this.calls.push(`get:${nativeId}`);
    if (this.failWith) throw this.failWith;
    const ticket = this.tickets.find((t) => t.nativeId === nativeId);
    if (!ticket) throw new Error('not found');
    return ticket;
  }

  listSources(): string[] {
    return [''];
  }

  async listTickets(query: ListTicketsQuery): Promise<ProviderPage> {
    this.calls.push(`list:${query.cursor ?? 'first'}`);
    if (this.failWith) throw this.failWith;
    const all = this.#sorted();
    let start = 0;
    if (this.style === 'page') start = (Number(query.cursor ?? '1') - 1) * query.limit;
    else if (this.style === 'offset') start = Number(query.cursor ?? '0');
    else if (query.cursor) {
      // Keyset: position after the ticket with this native id, stable under inserts.
      const [time, id] = query.cursor.split('|');
      start = all.findIndex((t) => t.updatedAt.getTime() < Number(time) || (t.updatedAt.getTime() === Number(time) && t.nativeId < (id as string)));
      if (start < 0) start = all.length;
    }
    const tickets = all.slice(start, start + query.limit);
    const more = start + query.limit < all.length;
    const last = tickets.at(-1);
    let next: string | null = null;
    if (more && last) {
      next = this.style === 'page' ? String(Number(query.cursor ?? '1') + 1) : this.style === 'offset' ? String(start + query.limit) : `${last.updatedAt.getTime()}|${last.nativeId}`;
    }
    const rows = tickets.map((ticket): PageRow => ({
      updatedAt: ticket.updatedAt.getTime(),
      id: ticket.id,
      ticket: () => {
        if (this.broken.has(ticket.nativeId)) {
          throw new UpstreamError('UPSTREAM_BAD_RESPONSE', `${this.key} row ${ticket.nativeId} breaks its schema`, {
            provider: this.key,
            operation: 'listTickets',
            path: 'items.0.title',
          });
        }
        this.mapped.push(ticket.id);
        return ticket;
      },
    }));
    return { rows, next, totalCount: this.style === 'offset' ? all.length : null };
  }
}
