import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server.js';
import { startClientServer } from './support.js';

/*
 * Issue 14: a page on another origin, in Debian's headless Chromium (.ci/run installs it
 * when missing), pages the feed, opens a ticket and adds a comment with plain fetch: what a
 * browser client does, CORS preflights included. The page's origin is the only one allowed
 * (CORS_ORIGINS; until that setting lands the server's CORS is permissive, and the test
 * passes either way).
 */

const APP = /* JavaScript */ `
const api = new URL(location.href).searchParams.get('api');
async function gql(query, variables) {
  const response = await fetch(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  const json = await response.json();
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}
const FEED = 'query ($after: String) { tickets(first: 5, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id provider title } } } }';
try {
  const pages = [];
  let after = null;
  for (let i = 0; i < 3; i++) {
    const { tickets } = await gql(FEED, { after });
    pages.push(tickets.edges.map((e) => e.node.id));
    after = tickets.pageInfo.endCursor;
  }
  const { tickets } = await gql('{ tickets(first: 1, filter: { providers: [SONZAI] }) { nodes { id } } }');
  const id = tickets.nodes[0].id;
  const opened = await gql('query ($id: ID!) { ticket(id: $id) { id title activities(first: 100) { totalCount } } }', { id });
  const body = 'from Chromium ' + Date.now();
  const added = await gql('mutation ($input: AddCommentInput!) { addComment(input: $input) { ticket { id activities(first: 100) { totalCount } } activity { id ... on CommentActivity { body } } } }', { input: { ticketId: id, body } });
  window.__result = { pages, id, before: opened.ticket.activities.totalCount, after: added.addComment.ticket.activities.totalCount, body: added.addComment.activity.body, sent: body, origin: location.origin };
} catch (error) {
  window.__result = { error: String(error && error.message || error) };
}
`;

const HTML = '<!doctype html><html><head><meta charset="utf-8"><title>client</title><script type="module" src="/app.js"></script></head><body></body></html>';

interface PageResult {
  error?: string;
  pages: string[][];
  id: string;
  before: number;
  after: number;
  body: string;
  sent: string;
  origin: string;
}

describe('a browser page on another origin, in headless Chromium (issue 14)', () => {
  let site: Server;
  let origin: string;
  let server: TestServer;
  let api: string;
  let context: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    site = createServer((req, res) => {
      if (req.url?.startsWith('/app.js')) res.writeHead(200, { 'content-type': 'text/javascript' }).end(APP);
      else if (req.url === '/favicon.ico') res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    // `localhost` here and 127.0.0.1 for the API: two origins.
    origin = `http://localhost:${(site.address() as AddressInfo).port}`;
    ({ server, url: api } = await startClientServer({ CORS_ORIGINS: origin }));
    profile = mkdtempSync(join(tmpdir(), 'tg-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 120_000,
    });
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
    if (site) {
      site.closeAllConnections();
      await new Promise<void>((resolve) => site.close(() => resolve()));
    }
  });

  it('pages the feed, opens a ticket and adds a comment', async () => {
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${origin}/?api=${encodeURIComponent(api)}`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
    const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as PageResult;
    expect(failures).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.origin).not.toBe(new URL(api).origin);
    expect(result.pages.flat()).toHaveLength(15);
    expect(new Set(result.pages.flat()).size).toBe(15);
    expect(result.body).toBe(result.sent);
    expect(result.after).toBe(result.before + 1);
    // The write reached the provider once: the server sees the comment too.
    const { data } = await server.gql<{ ticket: { activities: { totalCount: number } } }>('query ($id: ID!) { ticket(id: $id) { activities(first: 100) { totalCount } } }', {
      id: result.id,
    });
    expect(data!.ticket.activities.totalCount).toBe(result.after);
  }, 180_000);
});
