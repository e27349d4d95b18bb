import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_KEYS } from '../../src/model/provider.js';
import { providerModule } from '../../src/providers/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { isUpstreamError } from '../../src/upstream/errors.js';
import { createProviderHttp } from '../../src/upstream/http.js';
import { readRows } from '../../src/upstream/rows.js';
import { toTicket, toTicketKey } from '../../src/providers/moov/mapper.js';
import { moovTicketKeySchema, moovTicketSchema } from '../../src/providers/moov/wire.js';
import { testDeps } from '../helpers/settings.js';

/*
 * Issue 18: list pages are read key first (rows.ts). The key a row is merged by must be the
 * one its mapped ticket carries, for every provider, and a row whose key cannot be read
 * fails the page at once, as a page with a broken row always did.
 */
describe('list rows (issue 18)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 60, providers: PROVIDER_KEYS });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each(PROVIDER_KEYS)('%s: every row is merged by the key its mapped ticket has', async (key) => {
    const client = providerModule(key).createClient(sandbox.settings(key), testDeps());
    if (client.lists === false) return;
    for (const source of client.listSources({})) {
      const page = await client.listTickets({ source, cursor: null, limit: 50, filter: {} }, {});
      expect(page.rows.length).toBeGreaterThan(0);
      for (const row of page.rows) {
        const ticket = row.ticket();
        expect([row.updatedAt, row.id]).toEqual([ticket.updatedAt.getTime(), ticket.id]);
        // Mapped once: the row keeps its ticket.
        expect(row.ticket()).toBe(ticket);
      }
    }
  });

  const http = createProviderHttp({ provider: 'moov', baseUrl: 'http://127.0.0.1:9/', settings: testDeps().http, authorize: () => {} });
  const reader = {
    keySchema: moovTicketKeySchema,
    key: (k: { ticketID: string; updatedOn: string }) => toTicketKey(k, 'acct'),
    rowSchema: moovTicketSchema,
    toTicket: (t: Parameters<typeof toTicket>[0], raw: unknown) => toTicket(t, raw, 'acct'),
  };
  const good = { ticketID: 't1', number: 1, title: 'A', contact: { email: 'a@example.com' }, status: 'new', createdOn: '2026-01-01T00:00:00Z', updatedOn: '2026-01-02T00:00:00Z' };

  function caught(fn: () => unknown) {
    try {
      fn();
    } catch (error) {
      if (isUpstreamError(error)) return error;
      throw error;
    }
    throw new Error('did not throw');
  }

  it('fails the page at once, with the path, when a row has no valid key', () => {
    const error = caught(() => readRows(http, 'listTickets', 'items', [good, { ...good, updatedOn: 'soon' }], reader));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.extensions.path).toBe('items.1.updatedOn');
    expect(caught(() => readRows(http, 'listTickets', 'items', [{ ...good, ticketID: undefined }], reader)).extensions.path).toBe('items.0.ticketID');
  });

  it('reports a row that breaks its schema elsewhere when the row is used, with the path', () => {
    const rows = readRows(http, 'listTickets', 'items', [good, { ...good, ticketID: 't2', title: 7 }], reader);
    expect(rows[0]!.ticket().title).toBe('A');
    const error = caught(() => rows[1]!.ticket());
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.extensions.path).toBe('items.1.title');
  });

  it('keeps the row as received in raw, unknown fields included', () => {
    const raw = { ...good, extra: { kept: true } };
    expect(readRows(http, 'listTickets', 'items', [raw], reader)[0]!.ticket().raw).toBe(raw);
  });
});
