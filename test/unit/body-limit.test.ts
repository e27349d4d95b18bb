import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useBodyLimit } from '../../src/use-body-limit.js';

const LIMIT = 200;
const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { echo(text: String): String }', resolvers: { Query: { echo: (_: unknown, { text }: { text?: string }) => text ?? null } } }),
  maxRequestBodySize: false,
  logging: false,
  plugins: [useBodyLimit(LIMIT)],
});

const query = (text: string) => JSON.stringify({ query: `{ echo(text: "${text}") }` });
const chunked = (text: string) =>
  new Request('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(query(text)));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
const codeOf = async (response: Response) => ((await response.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;

describe('useBodyLimit', () => {
  it('serves a body with a Content-Length within the limit', async () => {
    const response = await yoga.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: query('hi') });
    expect(await response.json()).toEqual({ data: { echo: 'hi' } });
  });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    const response = await yoga.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: query('x'.repeat(LIMIT)) });
    expect(response.status).toBe(413);
    expect(await codeOf(response)).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('serves a chunked body within the limit and refuses one that passes it with 413', async () => {
    expect(await (await yoga.fetch(chunked('hi'))).json()).toEqual({ data: { echo: 'hi' } });
    const response = await yoga.fetch(chunked('x'.repeat(LIMIT)));
    expect(response.status).toBe(413);
    expect(await codeOf(response)).toBe('REQUEST_ENTITY_TOO_LARGE');
  });
});
