import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOOV_WEBHOOK_PATH } from '../../src/live/use-moov-webhook.js';
import { registerSandboxWebhook } from '../../src/providers/moov/simulator/webhooks.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { sseSubscribe, startGateway, type Gateway } from './support.js';

const CHANGES = /* GraphQL */ `
  subscription ($filter: TicketFilter) {
    ticketChanged(filter: $filter) {
      kind source
      ticket { id providerId }
      activity { kind ... on CommentActivity { body } }
    }
  }
`;
type Change = { ticketChanged: { kind: string; source: string; ticket: { id: string; providerId: string }; activity: { kind: string; body?: string } | null } };

/*
 * `npm start` with nothing configured: every provider on the sandbox, and main.ts points the
 * Moov simulator's webhooks at the gateway with the secret config.ts made up. Config used to
 * decide Moov's poll interval before main.ts made that secret up, so Moov was polled every
 * 5 s beside its webhook (a change could then arrive from POLL, and polling spent calls the
 * README says a Moov with a webhook does not cost). Here the gateway is built from the same
 * empty environment and registered with the same function main.ts calls.
 */
describe('Moov on the sandbox, as npm start runs it', () => {
  let sandbox: Sandbox;
  let gateway: Gateway;
  const moovStaff = (providerId: string, body: string) => {
    const [account = '', id = ''] = providerId.split('/');
    return fetch(`${sandbox.url('moov')}/__sandbox/tickets/${encodeURIComponent(account)}/${encodeURIComponent(id)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body }),
    });
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 30 });
    gateway = await startGateway(sandbox);
    const secret = gateway.config.live.moovWebhook?.secret.reveal();
    expect(secret).toBeTruthy();
    expect(await registerSandboxWebhook(sandbox.url('moov'), { url: `${gateway.url}${MOOV_WEBHOOK_PATH}`, secret: secret! })).toBe(true);
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  it('watches Moov by its webhook alone and polls the four others', () => {
    expect(gateway.config.live.pollMs.moov).toBe(0);
    expect([...gateway.pollers.providers].sort()).toEqual(['hostup', 'sonzai', 'spacebring', 'zaia']);
  });

  it('lets a subscriber hear one staff message at the Moov simulator once, from WEBHOOK, and no list read of Moov', async () => {
    const { data } = await gateway.gql<{ tickets: { nodes: { id: string; providerId: string }[] } }>(
      '{ tickets(first: 2, filter: { providers: [MOOV], statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id providerId } } }',
    );
    const [ticket, other] = data!.tickets.nodes;
    expect(other).toBeDefined();
    const open = await sseSubscribe<{ data: Change }>(gateway.url, CHANGES, { filter: { providers: ['MOOV'] } });
    sandbox.resetRequests();
    expect((await moovStaff(ticket!.providerId, 'first change')).status).toBe(201);
    const first = await open.stream.next();
    expect(first.data.ticketChanged).toMatchObject({ kind: 'COMMENTED', source: 'WEBHOOK', ticket: { id: ticket!.id }, activity: { body: 'first change' } });
    // A second change, on another ticket: the next thing heard is it, not the first one again.
    expect((await moovStaff(other!.providerId, 'second change')).status).toBe(201);
    const second = await open.stream.next();
    open.stream.close();
    expect(second.data.ticketChanged).toMatchObject({ kind: 'COMMENTED', source: 'WEBHOOK', ticket: { id: other!.id }, activity: { body: 'second change' } });
    // The webhook handler reads each ticket back; nothing lists Moov's tickets (a poll would).
    expect(sandbox.requests('moov').listTickets ?? 0).toBe(0);
  });
});
