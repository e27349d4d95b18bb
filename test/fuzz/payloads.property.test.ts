import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as hostup from '../../src/providers/hostup/wire.js';
import * as moov from '../../src/providers/moov/wire.js';
import { parsePayload } from '../../src/upstream/parse.js';
import * as sonzai from '../../src/providers/sonzai/wire.js';
import * as spacebring from '../../src/providers/spacebring/wire.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import * as zaia from '../../src/providers/zaia/wire.js';
import type { ProviderKey } from '../../src/model/provider.js';

/*
 * Issue 9: whatever a provider sends, `parsePayload` either returns the parsed value or
 * throws an UpstreamError UPSTREAM_BAD_RESPONSE naming a path — never another error type
 * (a TypeError from a refine, a RangeError from deep input, a zod error escaping).
 * Inputs: fc.anything() (with Maps, Sets, Dates, typed arrays, bigints, null prototypes,
 * sparse arrays: more than JSON.parse can give, on purpose), deep JSON, huge strings, and
 * the test fixtures with one random path replaced, removed or deepened.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

const MODULES: Record<ProviderKey, Record<string, unknown>> = { spacebring, moov, hostup, zaia, sonzai };

/** Every zod schema a provider's wire.ts exports. */
const SCHEMAS: [ProviderKey, string, z.ZodType][] = Object.entries(MODULES).flatMap(([provider, module]) =>
  Object.entries(module)
    .filter(([, value]) => value instanceof z.ZodType)
    .map(([name, value]) => [provider as ProviderKey, name, value as z.ZodType] as [ProviderKey, string, z.ZodType]),
);

/** Fixture × schema pairs where the schema accepts the untouched fixture (found, not listed by hand). */
const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
const PAIRS: [string, string, z.ZodType, unknown][] = [];
for (const [provider, name, schema] of SCHEMAS) {
  for (const file of readdirSync(`${FIXTURE_DIR}${provider}`).filter((f) => f.endsWith('.json'))) {
    const body = JSON.parse(readFileSync(`${FIXTURE_DIR}${provider}/${file}`, 'utf8')) as unknown;
    if (schema.safeParse(body).success) PAIRS.push([`${provider}/${file}`, name, schema, body]);
  }
}

function check(provider: ProviderKey, schema: z.ZodType, body: unknown): void {
  try {
    parsePayload(provider, 'fuzz', schema, body);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(UpstreamError);
    const upstream = error as UpstreamError;
    expect(upstream.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(typeof upstream.extensions.path).toBe('string');
    expect(upstream.message).not.toMatch(/\n\s+at\s/);
  }
}

const harsh = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

/** Deeply nested JSON (as JSON.parse would give it; deeper than any schema). */
const deep = fc.tuple(fc.integer({ min: 100, max: 3_000 }), fc.constantFrom('object', 'array')).map(([depth, kind]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'object' ? (i % 2 ? { ticket: value } : { data: [value] }) : [value];
  return value;
});

const huge = fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => 'x'.repeat(n));

/** All paths of a JSON value, root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      paths(child, path, out);
    }
  }
  return out;
}

/** The body with the value at one random path replaced (or removed: undefined). */
function mutate(body: unknown) {
  const all = paths(body);
  const replacement = fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 2, arbitrary: fc.constantFrom(undefined, null, '', 0, -1, 1e308, true, 'yesterday', '2026-13-45', [], {}, '\u0000', 'NaN') },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: harsh },
  );
  return fc.tuple(fc.nat({ max: Math.max(0, all.length - 1) }), replacement).map(([index, value]) => {
    const copy = structuredClone(body) as Record<string | number, unknown>;
    const path = all[index];
    if (!path) return value;
    let parent: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path.at(-1)!;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
    return copy;
  });
}

describe('provider payload schemas under random bodies (issue 9, property-based)', () => {
  it('finds schemas of all five providers and fixtures they accept', () => {
    expect(new Set(SCHEMAS.map(([p]) => p)).size).toBe(5);
    expect(new Set(PAIRS.map(([f]) => f.split('/')[0])).size).toBeGreaterThanOrEqual(4);
  });

  it.each(SCHEMAS.map(([p, n, s]) => [`${p}.${n}`, p, s] as const))('%s: parsePayload of any value returns or throws UPSTREAM_BAD_RESPONSE', (_name, provider, schema) => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: harsh }, { weight: 1, arbitrary: fc.object() }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: huge }), (body) => check(provider, schema, body)),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it.each(PAIRS.map(([file, name, schema, body]) => [file, name, schema, body] as const))(
    '%s (%s) with one field replaced, removed or deepened: returns or throws UPSTREAM_BAD_RESPONSE',
    (file, _name, schema, body) => {
      const provider = file.split('/')[0] as ProviderKey;
      fc.assert(fc.property(mutate(body), (mutated) => check(provider, schema, mutated)), { numRuns: RUNS });
    },
  );

  it('returns what a schema accepts and names the first bad field of what it refuses', () => {
    const [file, , schema, body] = PAIRS[0]!;
    expect(() => parsePayload(file.split('/')[0] as ProviderKey, 'fuzz', schema, body)).not.toThrow();
    for (const empty of ['', undefined, null, '<html>', 42]) {
      expect(() => parsePayload('moov', 'fuzz', schema, empty)).toThrow(UpstreamError);
    }
  });
});
