import type { HostupSettings } from './settings.js';
import { BadUserInputError } from '../../errors.js';
import type { ProviderPage } from '../../model/page.js';
import type { TicketModel } from '../../model/ticket.js';
import { createProviderHttp, seg, type ProviderHttp } from '../../upstream/http.js';
import type { CallContext, CreateTicketInput, FilterPushdown, ProviderDeps, TicketProvider, WriteResult } from '../../upstream/provider.js';
import { HOSTUP_V1_PRIORITY_CODES } from './mapper.js';
import { toV1Ticket } from './mapper-v1.js';
import { readHostupError } from './errors.js';
import { hostupV1DepartmentsEnvelopeSchema, hostupV1TicketEnvelopeSchema, type HostupV1CreateBody } from './wire.js';

const V1 = 'api/support';

/**
 * HostUp v1, the generation the seed documents (HOSTUP_API_GENERATION=v1): it reads tickets
 * by number and creates them, nothing else. It has no list, so `lists` is false and a feed
 * reports HostUp as UNSUPPORTED instead of listing nothing in silence; it has no reply,
 * close or reopen, so those methods are absent and the capabilities say so.
 */
export class HostupV1Provider implements TicketProvider {
  readonly key = 'hostup' as const;
  readonly maxPageSize = 100;
  readonly pushdown: FilterPushdown = { statuses: false, assignee: false, requester: false, search: false, dates: false };
  readonly timeline = 'detail' as const;
  readonly lists = false;
  /** v1 ticket payloads carry tags. */
  readonly readsTags = true;
  readonly apiVersion = 'v1 (/api/support, X-API-Key)';
  readonly notes: string;
  readonly #timeZone: string;
  readonly #http: ProviderHttp;

  constructor(settings: HostupSettings, deps: ProviderDeps) {
    this.#timeZone = settings.timeZone;
    this.notes =
      `HOSTUP_API_GENERATION=v1, the generation of the seed: tickets are read by number and created; v1 has no list, ` +
      `so HostUp is left out of feeds (reported as UNSUPPORTED). Times read in ${settings.timeZone}.`;
    const apiKey = settings.apiKey;
    this.#http = createProviderHttp({
      provider: 'hostup',
      baseUrl: settings.baseUrl,
      settings: deps.http,
      authorize: (headers) => headers.set('x-api-key', apiKey.reveal()),
      readError: readHostupError,
      // v1's 429 carries `retryAfter` in the body, not in a Retry-After header.
      retryAfterInBody: true,
      metrics: deps.metrics,
      onBadPayload: deps.onBadPayload,
    });
  }

  async getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel> {
    // v1 reads by number only; a v2 `tkt_` id cannot be turned into one.
    if (!/^[1-9]\d*$/.test(nativeId)) {
      throw new BadUserInputError('HostUp v1 reads tickets by their number; this id is not one', { argument: 'id', provider: 'hostup' });
    }
    const { data, raw } = await this.#http.call({
      operation: 'getTicket',
      path: `${V1}/tickets/${seg(nativeId)}`,
      schema: hostupV1TicketEnvelopeSchema,
      signal: ctx.signal,
    });
    return toV1Ticket(data.data.ticket, ticketOf(raw), { operation: 'getTicket', path: 'data.ticket', timeZone: this.#timeZone });
  }

  /** No list endpoint: no source to read. */
  listSources(): string[] {
    return [];
  }

  /** `lists` is false, so the feed does not ask: an empty last page, without a call. */
  listTickets(): Promise<ProviderPage> {
    return Promise.resolve({ rows: [], next: null, totalCount: null });
  }

  /** dept_id = input.department (a number); without one, the first visible department the API lists. */
  async createTicket(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult> {
    let deptId: number;
    const department = input.department?.trim();
    if (department) {
      if (!/^\d+$/.test(department)) {
        throw new BadUserInputError('HostUp v1 takes the department as its numeric dept_id', { argument: 'department', provider: 'hostup' });
      }
      deptId = Number(department);
    } else deptId = await this.#firstDepartment(ctx);
    const priority = input.priority && input.priority !== 'UNKNOWN' ? HOSTUP_V1_PRIORITY_CODES[input.priority] : HOSTUP_V1_PRIORITY_CODES.MEDIUM;
    const body: HostupV1CreateBody = { dept_id: deptId, subject: input.title, body: input.description, priority };
    const { data, raw } = await this.#http.call({
      operation: 'createTicket',
      method: 'post',
      path: `${V1}/tickets`,
      json: body,
      schema: hostupV1TicketEnvelopeSchema,
      signal: ctx.signal,
    });
    const ticket = toV1Ticket(data.data.ticket, ticketOf(raw), { operation: 'createTicket', path: 'data.ticket', timeZone: this.#timeZone });
    return { ticket, activity: ticket.activities?.find((a) => a.kind === 'CREATED') ?? null };
  }

  async #firstDepartment(ctx: CallContext): Promise<number> {
    const { data } = await this.#http.call({
      operation: 'listDepartments',
      path: `${V1}/departments`,
      schema: hostupV1DepartmentsEnvelopeSchema,
      signal: ctx.signal,
    });
    const first = data.data.departments.find((d) => d.visible !== false);
    if (!first) throw new BadUserInputError('HostUp lists no support department to file the ticket in', { argument: 'department', provider: 'hostup' });
    return first.id;
  }
}

/** The v1 ticket as received, inside the envelope the schema already checked. */
function ticketOf(raw: unknown): unknown {
  return (raw as { data: { ticket: unknown } }).data.ticket;
}
