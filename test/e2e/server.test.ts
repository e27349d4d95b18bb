import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('the ticketgraph server (issue 2: the spine)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
  });
  afterAll(() => server.close());

  it('serves the subgraph SDL with @key on Ticket, Membership and Tag', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    const { data } = (await response.json()) as { data: { _service: { sdl: string } } };
    const sdl = data._service.sdl;
    expect(sdl).toMatch(/@link\(\s*url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    for (const type of ['Ticket', 'Membership', 'Tag']) {
      expect(sdl).toMatch(new RegExp(`type ${type} implements Node\\s+@key\\(fields: "id"\\)`));
    }
  });

  it('lists the five providers on the sandbox with their capabilities', async () => {
    const { data, errors } = await server.gql<{ providers: { provider: string; mode: string; configured: boolean; capabilities: string[] }[] }>(
      '{ providers { provider mode configured capabilities } }',
    );
    expect(errors).toBeUndefined();
    expect(data!.providers.map((p) => [p.provider, p.mode, p.configured])).toEqual([
      ['SPACEBRING', 'SANDBOX', true],
      ['MOOV', 'SANDBOX', true],
      ['HOSTUP', 'SANDBOX', true],
      ['ZAIA', 'SANDBOX', true],
      ['SONZAI', 'SANDBOX', true],
    ]);
    for (const p of data!.providers) expect(p.capabilities).toEqual(expect.arrayContaining(['READ_TICKET', 'LIST_TICKETS', 'CLOSE_TICKET', 'CREATE_TICKET']));
  });

  it.each([
    ['garbage', 'not-an-id!', /Invalid id/],
    ['an unknown provider', Buffer.from('Ticket:zendesk:1').toString('base64url'), /unknown provider "zendesk"/],
    ['another type', Buffer.from('Tag:zaia:1').toString('base64url'), /expected a Ticket id/],
  ])('answers ticket(id) with %s with BAD_USER_INPUT and makes no upstream call', async (_what, id, message) => {
    server.sandbox.resetRequests();
    const { data, errors } = await server.gql('query ($id: ID!) { ticket(id: $id) { id } }', { id });
    expect(data).toEqual({ ticket: null });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    expect(errors?.[0]?.message).toMatch(message);
    expect(server.sandbox.totalRequests()).toBe(0);
  });

  it('serves GraphiQL with its scripts from the server itself (works offline)', async () => {
    const response = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<title>ticketgraph</title>');
    expect(html).toContain('LatestTickets');
    // Issue 20: a second tab with the live subscription (GraphiQL runs it over SSE).
    expect(html).toContain('LiveChanges');
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs|esm\.sh/);
  });

  it('answers /health and /metrics', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await server.gql('{ tickets(first: 1) { nodes { id } } }');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/ticketgraph_upstream_requests_total\{provider="moov",operation="[a-zA-Z]+",status="200"\} \d+/);
    // Issue 18: the two GraphQL metrics the dashboard reads, and none of the per-request ones it does not.
    expect(metrics).toContain('graphql_yoga_http_duration_bucket');
    expect(metrics).toContain('graphql_envelop_error_result');
    expect(metrics).not.toContain('graphql_envelop_phase_execute');
    expect(metrics).not.toContain('graphql_envelop_request_duration');
  });

  it('masks unexpected errors and keeps the code of expected ones', async () => {
    const { errors } = await server.gql('{ tickets(first: 1000) { nodes { id } } }');
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first', max: 100 });
  });
});
