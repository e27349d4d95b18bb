import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import ky, { TimeoutError } from 'ky';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BadUserInputError, maskError, ProviderNotConfiguredError } from '../../src/errors.js';
import { fromKyError, UpstreamError } from '../../src/upstream/errors.js';

describe('maskError', () => {
  const inResolver = (error: Error) => new GraphQLError(error.message, { path: ['ticket', 'title'], originalError: error });

  it('keeps a known error: its message, code, extensions and the path', () => {
    const masked = maskError(inResolver(new BadUserInputError('Invalid id: empty id', { argument: 'id' })), 'Unexpected error.') as GraphQLError;
    expect(masked).toBeInstanceOf(GraphQLError);
    expect(masked.message).toBe('Invalid id: empty id');
    expect(masked.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    expect(masked.path).toEqual(['ticket', 'title']);
  });

  it('keeps an upstream error with its provider, never its cause', () => {
    const cause = new Error('GET https://api.example/secret?token=abc failed');
    const upstream = new UpstreamError('UPSTREAM_UNAVAILABLE', 'moov is unavailable', { provider: 'moov', operation: 'getTicket', status: 503 }, { cause });
    const masked = maskError(inResolver(upstream), 'Unexpected error.') as GraphQLError;
    expect(masked.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'MOOV', status: 503 });
    expect(JSON.stringify(masked.toJSON())).not.toContain('token=abc');
  });

  it('finds a known error behind a wrapper (a thrown error with it as cause)', () => {
    const masked = maskError(new Error('wrapped', { cause: new ProviderNotConfiguredError('hostup') }), 'Unexpected error.') as GraphQLError;
    expect(masked.extensions).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', provider: 'HOSTUP' });
  });

  it('masks anything else as INTERNAL_SERVER_ERROR with the generic message, and logs the detail', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const masked = maskError(inResolver(new TypeError("Cannot read properties of undefined (reading 'x')")), 'Unexpected error.') as GraphQLError;
      expect(masked.message).toBe('Unexpected error.');
      expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(masked.path).toEqual(['ticket', 'title']);
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]?.[0])).toContain('Cannot read properties');
      const thrownValue = maskError('a string, not an Error', 'Unexpected error.') as GraphQLError;
      expect(thrownValue.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    } finally {
      log.mockRestore();
    }
  });

  it('gives graphql-js request errors (no path, no code) BAD_USER_INPUT and keeps codes already set', () => {
    const coercion = maskError(new GraphQLError('Variable "$first" got invalid value "x"'), 'Unexpected error.') as GraphQLError;
    expect(coercion.message).toBe('Variable "$first" got invalid value "x"');
    expect(coercion.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    const parse = new GraphQLError('Syntax Error: Unexpected Name', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(maskError(parse, 'Unexpected error.')).toBe(parse);
  });
});

describe('fromKyError', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // GET /<status>?body=<json>&h=<name>:<value>: answers that status with that body and header.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const header = url.searchParams.get('h');
      if (header) res.setHeader(header.slice(0, header.indexOf(':')), header.slice(header.indexOf(':') + 1));
      res.statusCode = Number(url.pathname.slice(1));
      const body = url.searchParams.get('body');
      if (body) res.setHeader('content-type', 'application/json');
      res.end(body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function failure(status: number, options: { body?: unknown; header?: string; write?: boolean } = {}): Promise<UpstreamError> {
    const search = new URLSearchParams({ token: 'sk_live_secret' });
    if (options.body !== undefined) search.set('body', JSON.stringify(options.body));
    if (options.header) search.set('h', options.header);
    const error = await ky.get(`${base}/${status}?${search}`, { retry: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    return fromKyError(error, { provider: 'moov', operation: 'getTicket', write: options.write ?? false });
  }

  it.each([
    [401, 'PROVIDER_AUTH_FAILED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [429, 'RATE_LIMITED'],
    [400, 'BAD_USER_INPUT'],
    [422, 'BAD_USER_INPUT'],
    [408, 'UPSTREAM_TIMEOUT'],
    [504, 'UPSTREAM_TIMEOUT'],
    [500, 'UPSTREAM_UNAVAILABLE'],
    [502, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [418, 'UPSTREAM_BAD_RESPONSE'],
  ] as const)('maps HTTP %i to %s, with a message of its own (no URL, no query)', async (status, code) => {
    const error = await failure(status);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.code).toBe(code);
    expect(error.extensions).toMatchObject({ provider: 'moov', status });
    expect(error.message).toMatch(/^moov/);
    expect(JSON.stringify({ message: error.message, extensions: error.extensions })).not.toMatch(/127\.0\.0\.1|sk_live_secret|token/);
  });

  it('reads Retry-After from the header, else from the body', async () => {
    expect((await failure(429, { header: 'retry-after:7' })).extensions).toMatchObject({ retryAfter: 7 });
    const fromBody = await failure(429, { body: { retryAfter: 3, requestId: 'req-1' } });
    expect(fromBody.retryAfter).toBe(3);
    expect(fromBody.extensions.requestId).toBe('req-1');
    expect(fromBody.message).toBe('moov is rate limiting ticketgraph; retry after 3s');
  });

  it('keeps the provider message and field paths of a 422, redacted and capped', async () => {
    const error = await failure(422, { body: { message: 'title is required', errors: [{ location: 'body.title' }, { pointer: '/contact/email' }] } });
    expect(error.message).toBe('moov rejected the input: title is required');
    expect(error.extensions.fields).toEqual(['body.title', '/contact/email']);
    const long = await failure(400, { body: { message: 'x'.repeat(10_000) } });
    expect(long.message.length).toBeLessThan(400);
  });

  it('refuses a request id that is not a plain token', async () => {
    expect((await failure(404, { header: 'x-request-id:https://logs.example/err?key=1' })).extensions.requestId).toBeUndefined();
    expect((await failure(404, { header: 'x-request-id:abc-123' })).extensions.requestId).toBe('abc-123');
  });

  it('reads a timeout as UPSTREAM_TIMEOUT, and says a write may have happened', async () => {
    const request = new Request(`${base}/200`);
    const read = await fromKyError(new TimeoutError(request), { provider: 'sonzai', operation: 'getTicket', write: false });
    expect(read).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'sonzai did not answer in time' });
    const write = await fromKyError(new TimeoutError(request), { provider: 'sonzai', operation: 'createTicket', write: true });
    expect(write.message).toBe('sonzai did not answer in time; the outcome of the write is unknown');
    const aborted = await fromKyError(new DOMException('This operation was aborted', 'AbortError'), { provider: 'sonzai', operation: 'getTicket', write: false });
    expect(aborted.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('reads a refused connection as UPSTREAM_UNAVAILABLE and passes an UpstreamError through', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await ky.get(`http://127.0.0.1:${port}/`, { retry: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    const error = await fromKyError(refused, { provider: 'zaia', operation: 'getTicket', write: false });
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: 'zaia is unavailable' });
    expect(error.message).not.toContain(String(port));
    const same = new UpstreamError('NOT_FOUND', 'zaia: not found', { provider: 'zaia', operation: 'getTicket' });
    expect(await fromKyError(same, { provider: 'zaia', operation: 'getTicket', write: false })).toBe(same);
  });
});
