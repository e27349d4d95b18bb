import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cursorKeyFor, openCursor, sealCursor } from '../../src/feed/cursor.js';
import { ID_TYPES } from '../../src/ids.js';
import { PROVIDER_KEYS } from '../../src/model/provider.js';
import { startTestServer, type GqlResult, type TestServer } from '../helpers/server.js';
import { ACCEPTED_CODES, expectWellFormed, isArmorError, isCoercionError, type CheckOptions } from './invariants.js';
import { FUZZ_RUNS as RUNS, fuzzParams } from './knobs.js';

/*
 * Issue 9 (hardened edge): random input at every argument of the public schema. Whatever
 * comes in, ticketgraph answers with a well-formed GraphQL response whose errors carry an
 * accepted code (see invariants.ts), never INTERNAL_SERVER_ERROR, no stack trace, no
 * upstream URL, and no promise is left rejected unhandled.
 *
 * Runs are bounded by count (RUNS per property), never by time: a time limit made the
 * number of runs, and so the "most mutations reached a provider" check, depend on the
 * machine's load. No fault here hangs; the per-test timeout below only guards against one. The seed is fixed unless FUZZ_SEED=random (knobs.ts); a
 * failure prints the line that replays it (FUZZ_SEED, FUZZ_PATH).
 */

/** fast-check parameters for a property of `numRuns` runs (a share of RUNS where a run is costly). */
const params = <T>(numRuns = RUNS) => fuzzParams<T>(numRuns);

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const ENUM_PROVIDERS = PROVIDER_KEYS.map((k) => k.toUpperCase());
const STATUSES = ['OPEN', 'IN_PROGRESS', 'WAITING', 'RESOLVED', 'CLOSED', 'UNKNOWN'];
const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT', 'CRITICAL', 'UNKNOWN'];

// ---- arbitraries ---------------------------------------------------------------------

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 });
const hugeString = fc.tuple(fc.constantFrom('a', 'é', '=', '%', '𝔘', '\u0000', 'A-_'), fc.integer({ min: 1_000, max: 70_000 })).map(([c, n]) => c.repeat(n));
const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) }, // lone surrogates included
  { weight: 1, arbitrary: controlChars },
  { weight: 1, arbitrary: hugeString },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\n',
      '../../admin',
      '%2e%2e%2f',
      '?x=1#y',
      'a/b/c',
      '\\',
      '${x}',
      '{"a":1}',
      'null',
      'undefined',
      '0',
      '-1',
      '1e309',
      '__proto__',
      'constructor',
      "'; DROP TABLE tickets; --",
      '<script>',
      '\u202e',
      '\ufeff',
      '\u2028',
    ),
  },
);

/** The native part of an id: what a provider would see in a path or a query string. */
const nativeId = fc.oneof(
  nastyString,
  fc.integer().map(String),
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}/${b}`),
);

/** A base64url of `Type:provider:native`, with types and providers both right and wrong. */
const forgedId = fc
  .tuple(
    fc.oneof(fc.constantFrom(...ID_TYPES), fc.constantFrom('ticket', 'Node', '', 'Person'), fc.string()),
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PROVIDER_KEYS) },
      { weight: 1, arbitrary: fc.constantFrom('MOOV', 'other', '', 'hostup ') },
      { weight: 1, arbitrary: fc.string() },
    ),
    nativeId,
  )
  .chain(([type, provider, native]) =>
    fc.constantFrom(b64(`${type}:${provider}:${native}`), `${b64(`${type}:${provider}:${native}`)}==`, Buffer.from(`${type}:${provider}:${native}`).toString('base64')),
  );

function anyId(real: () => string[]) {
  return fc.oneof(
    { weight: 3, arbitrary: forgedId },
    { weight: 3, arbitrary: nastyString },
    {
      weight: 1,
      arbitrary: fc
        .constant(null)
        .map(() => real())
        .chain((ids) => (ids.length ? fc.constantFrom(...ids) : fc.constant('x'))),
    },
    { weight: 1, arbitrary: fc.base64String() },
  );
}

/** Values that are not even the right GraphQL type: graphql-js coercion must refuse them as bad input. */
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));

const typed = <T>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrongType });
const enumOf = (values: string[]) => typed(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom('open', 'Open', '', 'NOPE') }));

const dateValue = fc.oneof(
  { weight: 3, arbitrary: fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }).map((d) => d.toISOString()) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('2026-13-45T99:99:99Z', '2026-02-30', 'yesterday', '', '0', '1727740800', '+275760-09-13T00:00:00.001Z', '2026-10-01T12:00:00.000+25:00', '2026-10-01'),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: nastyString },
);

const firstValue = fc.oneof(
  fc.integer({ min: -5, max: 120 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, 100, 101, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, 1.5, -0, 1e-9, null),
  fc.string(),
);

function personList(real: () => string[]) {
  return fc.array(
    fc.oneof(
      fc.emailAddress(),
      fc.emailAddress().map((e) => `  ${e.toUpperCase()} `),
      anyId(real),
      fc.constantFrom('@', 'a@', '@b', 'a@@b'),
    ),
    { maxLength: 120 },
  );
}

function filterValue(memberships: () => string[]) {
  return fc.record(
    {
      providers: typed(fc.array(enumOf(ENUM_PROVIDERS), { maxLength: 7 })),
      statuses: typed(fc.array(enumOf(STATUSES), { maxLength: 8 })),
      assignee: typed(personList(memberships)),
      requester: typed(personList(memberships)),
      search: typed(fc.oneof(fc.string({ maxLength: 30 }), nastyString, fc.constantFrom('printer', 'PRINTER', '%', '.*'))),
      createdAfter: dateValue,
      createdBefore: dateValue,
      updatedAfter: dateValue,
      updatedBefore: dateValue,
    },
    { requiredKeys: [] },
  );
}

/**
 * Cursors: junk, base64url of random JSON, structurally valid but forged, real ones with bytes
 * changed, and real ones resealed with the deployment's key (which only a test can do) after
 * their positions and key were tampered with.
 */
function cursorValue(real: () => string[], key: () => Buffer) {
  const realOne = fc
    .constant(null)
    .map(() => real())
    .chain((cs) => (cs.length ? fc.constantFrom(...cs) : fc.constant(b64('{}'))));
  const flipped = fc.tuple(realOne, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([cursor, at, mask]) => {
    const bytes = Buffer.from(cursor, 'base64url');
    const i = at % bytes.length;
    bytes[i] = bytes[i]! ^ mask;
    return bytes.toString('base64url');
  });
  const tampered = fc
    .tuple(
      realOne,
      fc.oneof(fc.string(), fc.constantFrom('0', '-1', '999999999', '1:500', 'c:1:', 'o:x', 'c:9999999999:x', 'o:-1', '1:0')),
      fc.oneof(fc.double(), fc.integer(), fc.constant(0)),
      fc.string(),
      fc.boolean(),
    )
    .map(([cursor, position, time, id, touchKey]) => {
      try {
        const c = openCursor(cursor, key());
        const positions = c.positions.map((p) => (p === false ? p : position));
        return sealCursor({ ...c, positions, key: touchKey ? [Number.isFinite(time) ? Math.abs(Math.trunc(time)) : 0, b64(id)] : c.key }, key());
      } catch {
        return cursor;
      }
    });
  return fc.oneof(
    { weight: 2, arbitrary: nastyString },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => b64(JSON.stringify(v))) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          v: fc.constantFrom(1, 2, '1'),
          f: fc.string(),
          k: fc.tuple(fc.double(), fc.string()),
          s: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(null), fc.constant(false))),
        })
        .map((c) => b64(JSON.stringify(c))),
    },
    { weight: 2, arbitrary: flipped },
    { weight: 3, arbitrary: tampered },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

// ---- the server ----------------------------------------------------------------------

describe('GraphQL edge under random input (issue 9, property-based)', { timeout: 120_000 }, () => {
  let server: TestServer;
  let forbidden: string[] = [];
  const coercion: NonNullable<CheckOptions['coercion']> = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const real = { tickets: [] as string[], memberships: [] as string[], tags: [] as string[], cursors: [] as string[] };

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    server = await startTestServer();
    forbidden = [...PROVIDER_KEYS.map((k) => server.sandbox.url(k)), '127.0.0.1:', 'localhost:'];
    const { data } = await server.gql<{
      tickets: { edges: { cursor: string; node: { id: string; requester: { id: string } | null; assignee: { id: string } | null; tags: { id: string }[] } }[] };
    }>('{ tickets(first: 40) { edges { cursor node { id requester { id } assignee { id } tags { id } } } } }');
    for (const { cursor, node } of data!.tickets.edges) {
      real.cursors.push(cursor);
      real.tickets.push(node.id);
      if (node.requester) real.memberships.push(node.requester.id);
      if (node.assignee) real.memberships.push(node.assignee.id);
      real.tags.push(...node.tags.map((t) => t.id));
    }
    expect(real.tickets.length).toBe(40);
  });
  beforeEach(() => {
    for (const key of PROVIDER_KEYS) server.sandbox.setFault(key, null);
  });
  afterAll(async () => {
    await server?.close();
    process.off('unhandledRejection', onRejection);
  });

  const ask = async (label: string, query: string, variables?: Record<string, unknown>): Promise<GqlResult<unknown>> => {
    const result = await server.gql<unknown>(query, variables);
    expectWellFormed(result, `${label} ${JSON.stringify(variables ?? {}).slice(0, 300)}`, { forbidden, coercion });
    return result;
  };

  it('answers random ids at ticket, node and _entities with data or coded errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyId(() => real.tickets),
        fc.constantFrom('ticket', 'node', 'entities', 'membership', 'tag'),
        async (id, where) => {
          if (where === 'ticket') await ask(where, 'query ($id: ID!) { ticket(id: $id) { id provider providerId title status updatedAt } }', { id });
          else if (where === 'node') await ask(where, 'query ($id: ID!) { node(id: $id) { id ... on Ticket { title status } } }', { id });
          else {
            const typename = where === 'entities' ? 'Ticket' : where === 'membership' ? 'Membership' : 'Tag';
            await ask(where, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id title } ... on Membership { id name } ... on Tag { id name } } }', {
              r: [{ __typename: typename, id }],
            });
          }
        },
      ),
      params(),
    );
  });

  it('answers random ids inlined in the document (string literals) the same way', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyId(() => real.tickets),
        async (id) => {
          // JSON string syntax is GraphQL string syntax, save lone surrogates: those must fail to parse, coded.
          await ask('literal id', `{ ticket(id: ${JSON.stringify(id)}) { id title } }`);
        },
      ),
      params(Math.ceil(RUNS / 2)),
    );
  });

  it('answers random cursors and first values on the feed and on Person.tickets', async () => {
    await fc.assert(
      fc.asyncProperty(
        cursorValue(
          () => real.cursors,
          () => cursorKeyFor(server.config),
        ),
        firstValue,
        fc.boolean(),
        async (after, first, person) => {
          if (person) {
            await ask(
              'person',
              'query ($a: String, $f: Int) { person(email: "ada.lovelace@customer.example.org") { email tickets(first: $f, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } } }',
              { a: after, f: first },
            );
          } else {
            await ask('tickets', 'query ($a: String, $f: Int) { tickets(first: $f, after: $a) { totalCount nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }', {
              a: after,
              f: first,
            });
          }
        },
      ),
      params(),
    );
  });

  it('answers random first values inlined as literals (Int range, floats, strings) with coded errors', async () => {
    const literal = fc.oneof(
      fc.integer().map(String),
      fc.bigInt().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d).replace('Infinity', '1e400')),
      fc.constantFrom('"5"', 'null', 'true', 'FIVE', '[1]', '{a: 1}', '1e3', '0x10', '-0'),
    );
    await fc.assert(
      fc.asyncProperty(literal, async (first) => {
        await ask('literal first', `{ tickets(first: ${first}) { nodes { id } } }`);
      }),
      params(Math.ceil(RUNS / 2)),
    );
  });

  it.each([
    ['zaia', 'x'],
    ['zaia', '1:500'],
    ['sonzai', 'x'],
    ['sonzai', 'c:1'],
  ])('answers a cursor whose %s position was tampered with (%s) as BAD_USER_INPUT, not as a provider failure', async (key, position) => {
    // The provider's own BadUserInputError ("Invalid cursor for zaia") is the client's bad
    // cursor, not the provider's fault. Cursors are sealed: only the deployment's key (which a
    // test knows) makes one whose position a provider then refuses.
    const cursor = openCursor(real.cursors[5]!, cursorKeyFor(server.config));
    // Positions follow the feed's source list: providers in registry order, then their sources.
    const owners = server.registry.providers.flatMap((p) => p.listSources({}).map(() => p.key));
    expect(owners).toHaveLength(cursor.positions.length);
    expect(owners).toContain(key);
    const positions = cursor.positions.map((p, i) => (owners[i] === key ? position : p));
    const result = await ask('tampered cursor', 'query ($a: String) { tickets(first: 40, after: $a) { nodes { id } } }', {
      a: sealCursor({ ...cursor, positions }, cursorKeyFor(server.config)),
    });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.extensions?.providers ?? []).not.toContainEqual(expect.objectContaining({ provider: key.toUpperCase(), outcome: 'BAD_RESPONSE' }));
  });

  it('answers random filters (providers, statuses, people, search, dates) with data or coded errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        filterValue(() => real.memberships),
        fc.integer({ min: 0, max: 30 }),
        async (filter, first) => {
          const result = await ask('filter', 'query ($f: TicketFilter, $n: Int) { tickets(first: $n, filter: $f) { totalCount nodes { id status provider } pageInfo { endCursor } } }', {
            f: filter,
            n: first,
          });
          const nodes = (result.data as { tickets?: { nodes: { status: string }[] } } | null)?.tickets?.nodes;
          // When statuses was accepted, the feed honours it.
          if (nodes && Array.isArray(filter.statuses) && filter.statuses.length > 0 && !result.errors) {
            for (const node of nodes) expect(filter.statuses).toContain(node.status);
          }
        },
      ),
      params(),
    );
  });

  it('answers random person emails with data or coded errors', async () => {
    await fc.assert(
      fc.asyncProperty(typed(fc.oneof(fc.emailAddress(), nastyString)), async (email) => {
        await ask('person email', 'query ($e: String!) { person(email: $e) { email tickets(first: 3) { nodes { id } } } }', { e: email });
      }),
      params(Math.ceil(RUNS / 2)),
    );
  });

  // ---- mutations ----

  const str = (max = 300) =>
    typed(
      fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: max }) }, { weight: 2, arbitrary: nastyString }, { weight: 1, arbitrary: fc.constantFrom('Printer on fire', 'x', '   ') }),
    );
  const ids = (pool: () => string[]) => typed(anyId(pool));
  const opt = { requiredKeys: [] as never[] };
  const realOf = (pool: () => string[]) =>
    fc
      .constant(null)
      .map(() => pool())
      .chain((all) => (all.length ? fc.constantFrom(...all) : fc.constant('x')));
  const words = fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), fc.constantFrom('Printer on fire', 'VPN down', 'é 𝔘 \u202e'), nastyString);
  type Input = Record<string, unknown>;
  /** Random records (any field missing or mistyped) and plausible ones (which reach a provider more often). */
  const either = (random: fc.Arbitrary<Input>, plausible: fc.Arbitrary<Input>) => fc.oneof(random, plausible);
  const onTicket = (more: Record<string, fc.Arbitrary<unknown>> = {}) =>
    either(
      fc.record({ clientMutationId: str(40), ticketId: ids(() => real.tickets), ...Object.fromEntries(Object.entries(more).map(([k, v]) => [k, typed(v)])) }, opt),
      fc.record({ clientMutationId: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), ticketId: realOf(() => real.tickets), ...more }),
    );
  /** Both tag mutations take the same input: a ticket and a tag id (real, well-formed or any string). */
  const tagOnTicket = onTicket({
    tagId: fc.oneof(
      realOf(() => real.tags),
      anyId(() => real.tags),
      fc.string({ minLength: 1, maxLength: 12 }),
    ),
  });
  const mutations: Record<string, { inputType: string; input: fc.Arbitrary<Input> }> = {
    createTicket: {
      inputType: 'CreateTicketInput',
      input: either(
        fc.record(
          {
            clientMutationId: str(40),
            provider: enumOf(ENUM_PROVIDERS),
            title: str(250),
            description: str(400),
            type: str(40),
            priority: enumOf(PRIORITIES),
            requester: typed(fc.record({ email: typed(fc.oneof(fc.emailAddress(), nastyString)), name: str(40), id: ids(() => real.memberships) }, opt)),
            scope: str(60),
            department: str(60),
            chatId: ids(() => real.tickets),
            teamId: ids(() => real.tickets),
            assigneeId: ids(() => real.memberships),
          },
          opt,
        ),
        fc.record(
          {
            provider: fc.constantFrom(...ENUM_PROVIDERS),
            title: words,
            description: words,
            priority: fc.constantFrom(...PRIORITIES),
            type: fc.constantFrom('bug', 'support', 'internet', 'printing', 'nope'),
            requester: fc.record({ email: fc.emailAddress(), name: fc.string({ maxLength: 30 }) }, opt),
            department: fc.constantFrom('support', 'billing', 'no-such-department'),
            assigneeId: realOf(() => real.memberships),
          },
          { requiredKeys: ['provider', 'title', 'description'] },
        ),
      ),
    },
    addComment: { inputType: 'AddCommentInput', input: onTicket({ body: words, internal: fc.boolean() }) },
    closeTicket: { inputType: 'TicketActionInput', input: onTicket() },
    reopenTicket: { inputType: 'TicketActionInput', input: onTicket() },
    setTicketStatus: { inputType: 'SetTicketStatusInput', input: onTicket({ status: fc.constantFrom(...STATUSES) }) },
    assignTicket: {
      inputType: 'AssignTicketInput',
      input: onTicket({
        assigneeId: fc.oneof(
          realOf(() => real.memberships),
          anyId(() => real.memberships),
          fc.constant(null),
        ),
      }),
    },
    takeOverTicket: {
      inputType: 'TakeOverTicketInput',
      input: onTicket({
        assigneeId: fc.oneof(
          realOf(() => real.memberships),
          anyId(() => real.memberships),
        ),
      }),
    },
    addTicketTag: { inputType: 'TicketTagInput', input: tagOnTicket },
    removeTicketTag: { inputType: 'TicketTagInput', input: tagOnTicket },
  };
  /** Upstream requests the random writes of each mutation caused (to show the properties are not vacuous). */
  const reached: Record<string, number> = {};

  it.each(Object.keys(mutations))('answers %s with random input with data or coded errors', async (name) => {
    const { inputType, input } = mutations[name]!;
    const extra = fc.option(fc.dictionary(fc.constantFrom('unknownField', 'id', '__typename'), fc.string(), { maxKeys: 1 }), { nil: undefined });
    const before = server.sandbox.totalRequests();
    await fc.assert(
      fc.asyncProperty(input, extra, async (value, more) => {
        await ask(name, `mutation ($input: ${inputType}!) { ${name}(input: $input) { clientMutationId ticket { id status providerStatus } activity { kind } } }`, {
          input: { ...value, ...more },
        });
      }),
      params(Math.ceil(RUNS / 3)),
    );
    reached[name] = server.sandbox.totalRequests() - before;
  });

  it('got random writes past validation to the providers for most mutations', () => {
    expect(Object.values(reached).filter((n) => n > 0).length, JSON.stringify(reached)).toBeGreaterThanOrEqual(6);
  });

  // ---- upstream payloads through GraphQL ----

  it.each(PROVIDER_KEYS.flatMap((key) => [[key, 'drift'] as const, [key, 'malformed'] as const]))(
    'answers %s with a %s body as UPSTREAM_BAD_RESPONSE for that provider only',
    async (key, knob) => {
      const own = real.tickets.find((id) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1] === key);
      server.sandbox.setFault(key, { [knob]: true });
      const feed = await ask(`${key} ${knob} feed`, '{ tickets(first: 30) { nodes { id provider title status updatedAt requester { email } } } }');
      const ownErrors = (feed.errors ?? []).filter((e) => (e.extensions as { provider?: string }).provider === key.toUpperCase());
      expect(ownErrors.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_BAD_RESPONSE']);
      expect(feed.extensions?.providers).toEqual(expect.arrayContaining([expect.objectContaining({ provider: key.toUpperCase(), outcome: 'BAD_RESPONSE' })]));
      expect((feed.data as { tickets: { nodes: { provider: string }[] } }).tickets.nodes.some((n) => n.provider === key.toUpperCase())).toBe(false);
      if (own) {
        const one = await ask(
          `${key} ${knob} ticket`,
          'query ($id: ID!) { ticket(id: $id) { id title status updatedAt activities(first: 5) { totalCount nodes { kind createdAt } } tags { name } } }',
          { id: own },
        );
        expect(one.errors?.length ?? 0).toBeGreaterThan(0);
        expect(one.errors!.every((e) => e.extensions?.code === 'UPSTREAM_BAD_RESPONSE')).toBe(true);
      }
    },
  );

  it('answers graphql-armor limits (depth, aliases, directives, cost, tokens) with a coded error', async () => {
    // BUG: graphql-armor raises its limits as bare GraphQLErrors ("Syntax Error: Query depth
    // limit of 12 exceeded…") without extensions.code; only the token limit, hit inside the
    // parser, gets yoga's GRAPHQL_PARSE_FAILED. Expected: a code on each (e.g.
    // GRAPHQL_VALIDATION_FAILED or BAD_USER_INPUT), as STYLE.md asks of every error.
    const over = {
      depth:
        '{ tickets(first: 1) { nodes { requester { person { tickets(first: 1) { nodes { requester { person { tickets(first: 1) { nodes { requester { person { email } } } } } } } } } } } } }',
      aliases: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: providers { provider }`).join(' ')} }`,
      directives: `{ providers { provider ${'@include(if: true) '.repeat(60)} } }`,
      cost: '{ tickets(first: 100) { nodes { activities(first: 500) { nodes { id } } } } }',
      tokens: `{ providers { ${'provider '.repeat(4100)} } }`,
    };
    const codes: Record<string, unknown> = {};
    for (const [limit, query] of Object.entries(over)) {
      const result = await server.gql<unknown>(query);
      expect(result.data ?? null, limit).toBeNull();
      codes[limit] = result.errors?.[0]?.extensions?.code ?? '(none)';
    }
    // Those the properties above ran into (e.g. the cost limit, hit by first: 2759).
    for (const { message, code } of coercion) if (isArmorError(message)) codes[message] = code ?? '(none)';
    expect(
      Object.entries(codes)
        .filter(([, code]) => !ACCEPTED_CODES.has(code as string))
        .slice(0, 8),
    ).toEqual([]);
  });

  it('answers random request bodies with a JSON error, never a 5xx', async () => {
    // Transport-level refusals come from yoga with its own code BAD_REQUEST (400/405/415),
    // accepted here on top of ACCEPTED_CODES.
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          { query: fc.oneof(fc.string(), wrongType), variables: fc.oneof(fc.jsonValue(), fc.string()), operationName: fc.oneof(fc.string(), wrongType), extensions: fc.jsonValue() },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'application/graphql+json', 'text/plain', 'application/x-www-form-urlencoded', ''), async (text, type) => {
        const response = await server.yoga.fetch('http://ticketgraph.test/graphql', { method: 'POST', headers: type ? { 'content-type': type } : {}, body: text });
        expect(response.status, text.slice(0, 200)).toBeLessThan(500);
        // yoga refuses a content type it does not read with a bare 415.
        if (response.status === 415) return;
        const json = (await response.json()) as GqlResult<unknown>;
        for (const error of json.errors ?? []) {
          const code = error.extensions?.code as string | undefined;
          if (code === 'BAD_REQUEST') continue;
          if (isCoercionError(error.message) || isArmorError(error.message)) {
            coercion.push({ message: error.message.slice(0, 200), code });
            continue;
          }
          expect(ACCEPTED_CODES.has(code ?? '(none)'), `${text.slice(0, 200)} → ${JSON.stringify(error).slice(0, 300)}`).toBe(true);
        }
        expectWellFormed({ ...json, errors: json.errors?.map((e) => ({ ...e, extensions: { ...e.extensions, code: 'BAD_USER_INPUT' } })) } as GqlResult<unknown>, text.slice(0, 200), {
          forbidden,
        });
      }),
      params(Math.ceil(RUNS / 2)),
    );
  });

  it('answers every variable coercion error with BAD_USER_INPUT', async () => {
    // BUG: graphql-js wraps a scalar's parseValue error in a GraphQLError whose
    // originalError is set, so src/errors.ts maskError does not treat it as "produced by
    // graphql-js itself" and masks it as INTERNAL_SERVER_ERROR (and logs it as an
    // unexpected error with a stack). Expected: BAD_USER_INPUT, like Apollo Server.
    const samples: [string, Record<string, unknown>][] = [
      ['query ($f: Int) { tickets(first: $f) { nodes { id } } }', { f: 1.5 }],
      ['query ($f: Int) { tickets(first: $f) { nodes { id } } }', { f: 2 ** 31 }],
      ['query ($f: Int) { tickets(first: $f) { nodes { id } } }', { f: 'ten' }],
      ['query ($d: DateTime) { tickets(filter: { createdAfter: $d }) { nodes { id } } }', { d: 'yesterday' }],
      ['query ($p: [Provider!]) { tickets(filter: { providers: $p }) { nodes { id } } }', { p: ['JIRA'] }],
      ['query ($id: ID!) { ticket(id: $id) { id } }', { id: null }],
    ];
    for (const [query, variables] of samples) await ask('coercion sample', query, variables);
    const seen = coercion.filter((c) => isCoercionError(c.message));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((c) => c.code !== 'BAD_USER_INPUT').slice(0, 5)).toEqual([]);
  });

  it('leaves no promise rejected unhandled', async () => {
    // Let stray rejections of the runs above surface before looking.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rejections.map(String)).toEqual([]);
  });
});
