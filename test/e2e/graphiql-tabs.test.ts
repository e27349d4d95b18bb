import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config.js';
import { graphiqlTabs } from '../../src/graphiql.js';
import { PROVIDER_KEYS } from '../../src/model/provider.js';
import { collect, readMultipart } from '../helpers/incremental.js';
import { startTestServer, TOLERANT, type TestServer } from '../helpers/server.js';

function withModes(live: readonly string[]): Config {
  const config = parseConfig({});
  for (const key of PROVIDER_KEYS) if (live.includes(key)) (config.providers as Record<string, unknown>)[key] = { mode: 'live', settings: {} };
  return config;
}

describe("GraphiQL's default tabs (issue 15)", () => {
  it('are the feed, and the feed with @defer on timelines (both run: see below)', () => {
    const tabs = graphiqlTabs(parseConfig({}));
    expect(tabs).toHaveLength(2);
    for (const tab of tabs) expect(parse(tab.query).definitions).toHaveLength(1);
    expect(tabs[0]!.query).not.toContain('@defer');
    expect(tabs[1]!.query).toMatch(/\.\.\. @defer\(label: "timeline"\) \{\s+activities/);
  });

  it('select no always-null field (the feed has no totalCount unless every provider reports one)', () => {
    expect(graphiqlTabs(parseConfig({}))[0]!.query).not.toMatch(/totalCount/);
  });

  it('mention the sandbox only for providers that run on it', () => {
    expect(graphiqlTabs(withModes([]))[0]!.query).toMatch(/every provider runs on the sandbox/);
    expect(graphiqlTabs(withModes(['moov', 'zaia']))[0]!.query).toMatch(/On the sandbox .*: SPACEBRING, HOSTUP, SONZAI\./);
    expect(graphiqlTabs(withModes(PROVIDER_KEYS))[0]!.query).not.toMatch(/sandbox/i);
  });
});

describe('GraphiQL tabs against the server (issue 15)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ env: TOLERANT });
    url = await server.listen();
  });
  afterAll(() => server.close());

  it('are on the page, and both run: the first as JSON, the second as a multipart stream', async () => {
    const html = await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('LatestTicketsWithTimelines');
    const [feed, deferred] = graphiqlTabs(server.config);
    const first = await server.gql(feed!.query);
    expect(first.errors).toBeUndefined();
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: deferred!.query }),
    });
    const parts = await collect(readMultipart(response));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flatMap((part) => part.incremental ?? []).every((part) => part.errors === undefined)).toBe(true);
  });
});
