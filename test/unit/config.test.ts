import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';
import { cursorKeyFor } from '../../src/feed/cursor.js';

describe('parseConfig', () => {
  it('defaults every provider to the sandbox when no credentials are set', () => {
    const config = parseConfig({});
    expect(config.port).toBe(4000);
    expect(Object.values(config.providers).map((p) => p.mode)).toEqual(['sandbox', 'sandbox', 'sandbox', 'sandbox', 'sandbox']);
    expect(config.enabled).toEqual(['spacebring', 'moov', 'hostup', 'zaia', 'sonzai']);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ PORT: '', HOSTUP_API_KEY: ' ' }).providers.hostup.mode).toBe('sandbox');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ UPSTREAM_TIMEOUT_MS: '-1' }, /^UPSTREAM_TIMEOUT_MS: /],
    [{ TICKETGRAPH_PROVIDERS: 'moov,zendesk' }, /^TICKETGRAPH_PROVIDERS: /],
    [{ SANDBOX_FAULTS: '{not json' }, /^SANDBOX_FAULTS: /],
    [{ SANDBOX_FAULTS: '{"moov":{"rate":2}}' }, /^SANDBOX_FAULTS: .*rate/],
    [{ MOOV_API_VERSION: '2025' }, /^MOOV_API_VERSION: expected vYYYY.QQ.BB/],
    [{ HOSTUP_BASE_URL: 'ftp://x' }, /^HOSTUP_BASE_URL: /],
    [{ HOSTUP_BASE_URL: 'https://cloud.hostup.se' }, /^HOSTUP_BASE_URL: set without credentials/],
    [{ SPACEBRING_CLIENT_ID: 'id' }, /^SPACEBRING_CLIENT_SECRET: required because SPACEBRING_CLIENT_ID is set/],
    [{ SPACEBRING_CLIENT_ID: 'id', SPACEBRING_CLIENT_SECRET: 's' }, /^SPACEBRING_LOCATION_REFS: required/],
    [{ MOOV_ACCESS_TOKEN: 't' }, /^MOOV_ACCOUNT_IDS: required/],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('goes live with credentials, defaulting to the public base URL, and never prints the secret', () => {
    const config = parseConfig({ HOSTUP_API_KEY: 'hk_live_secret_123', SONZAI_TOKEN: 'eyJ.jwt.sig', SONZAI_BASE_URL: 'https://sonzai.test/api/v1' });
    const hostup = config.providers.hostup;
    expect(hostup.mode).toBe('live');
    if (hostup.mode !== 'live') return;
    expect(hostup.settings.baseUrl).toBe('https://cloud.hostup.se');
    expect(hostup.settings.generation).toBe('v2');
    expect(hostup.settings.apiKey.reveal()).toBe('hk_live_secret_123');
    expect(JSON.stringify(config)).not.toContain('hk_live_secret_123');
    expect(String(hostup.settings.apiKey)).toBe('[redacted]');
    expect(config.providers.sonzai.mode === 'live' && config.providers.sonzai.settings.baseUrl).toBe('https://sonzai.test/api/v1');
  });

  it('coalesces upstream reads and uses node:http unless told otherwise', () => {
    expect(parseConfig({}).http).toMatchObject({ coalesce: true, transport: 'node-http' });
    expect(parseConfig({ UPSTREAM_COALESCE: 'off', UPSTREAM_TRANSPORT: 'fetch' }).http).toMatchObject({ coalesce: false, transport: 'fetch' });
    expect(() => parseConfig({ UPSTREAM_COALESCE: 'maybe' })).toThrow(/^UPSTREAM_COALESCE: /);
  });

  it('limits query cost to 20000 unless MAX_QUERY_COST says otherwise (issue 14)', () => {
    expect(parseConfig({}).maxQueryCost).toBe(20_000);
    expect(parseConfig({ MAX_QUERY_COST: '5000' }).maxQueryCost).toBe(5000);
    expect(() => parseConfig({ MAX_QUERY_COST: '0' })).toThrow(/^MAX_QUERY_COST: /);
  });

  it('reads CURSOR_SECRET as a Secret of at least 32 characters; unset, cursors derive their key from the provider config (issue 14)', () => {
    expect(parseConfig({}).cursorSecret).toBeNull();
    const config = parseConfig({ CURSOR_SECRET: 'a-cursor-secret-of-thirty-two-chars!' });
    expect(config.cursorSecret?.reveal()).toBe('a-cursor-secret-of-thirty-two-chars!');
    expect(JSON.stringify(config)).not.toContain('a-cursor-secret');
    expect(() => parseConfig({ CURSOR_SECRET: 'too-short' })).toThrow(/^CURSOR_SECRET: /);
    // Replicas: same config, same key; another secret or other provider settings, another key.
    expect(cursorKeyFor(parseConfig({}))).toEqual(cursorKeyFor(parseConfig({})));
    expect(cursorKeyFor(config)).not.toEqual(cursorKeyFor(parseConfig({})));
    expect(cursorKeyFor(parseConfig({ SANDBOX_SEED: '7' }))).not.toEqual(cursorKeyFor(parseConfig({})));
  });

  it('issue 19: caches 5 s by default, per-provider TTLs override, 0 turns a provider off; Redis only when REDIS_URL is set', () => {
    const shared = parseConfig({}).sharedState;
    expect(shared.redisUrl).toBeNull();
    expect(shared.cache).toEqual({ ttlMs: { spacebring: 5000, moov: 5000, hostup: 5000, zaia: 5000, sonzai: 5000 }, staleMs: 10_000, staleIfErrorMs: 60_000, maxEntries: 5000 });
    const tuned = parseConfig({ CACHE_TTL_MS: '2000', MOOV_CACHE_TTL_MS: '0', CACHE_STALE_MS: '0', REDIS_URL: 'redis://:pw@cache:6379/0' }).sharedState;
    expect(tuned.cache.ttlMs).toEqual({ spacebring: 2000, moov: 0, hostup: 2000, zaia: 2000, sonzai: 2000 });
    expect(tuned.redisUrl?.reveal()).toBe('redis://:pw@cache:6379/0');
    expect(JSON.stringify(tuned)).not.toContain('pw');
    expect(() => parseConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(/^REDIS_URL: /);
    expect(() => parseConfig({ HOSTUP_CACHE_TTL_MS: '-5' })).toThrow(/^HOSTUP_CACHE_TTL_MS: /);
  });

  it('issue 19: paces live providers at their documented rates, the sandbox not at all, <PROVIDER>_MAX_RPS overrides', () => {
    expect(parseConfig({}).sharedState.maxRps).toEqual({ spacebring: 0, moov: 0, hostup: 0, zaia: 0, sonzai: 0 });
    const live = parseConfig({ HOSTUP_API_KEY: 'k', MOOV_ACCESS_TOKEN: 't', MOOV_ACCOUNT_IDS: 'a', MOOV_MAX_RPS: '10', SONZAI_MAX_RPS: '2.5' }).sharedState.maxRps;
    expect(live).toEqual({ spacebring: 0, moov: 10, hostup: 10, zaia: 0, sonzai: 2.5 });
    expect(() => parseConfig({ ZAIA_MAX_RPS: 'fast' })).toThrow(/^ZAIA_MAX_RPS: /);
  });

  it('caps upstream bodies at 10 MiB unless UPSTREAM_MAX_BODY_BYTES says otherwise (issue 13)', () => {
    expect(parseConfig({}).http.maxBodyBytes).toBe(10 * 1024 * 1024);
    expect(parseConfig({ UPSTREAM_MAX_BODY_BYTES: '65536' }).http.maxBodyBytes).toBe(65536);
    expect(() => parseConfig({ UPSTREAM_MAX_BODY_BYTES: '10' })).toThrow(/^UPSTREAM_MAX_BODY_BYTES: /);
    expect(() => parseConfig({ UPSTREAM_MAX_BODY_BYTES: 'lots' })).toThrow(/^UPSTREAM_MAX_BODY_BYTES: /);
  });

  it('reads SANDBOX_FAULTS per provider', () => {
    expect(parseConfig({ SANDBOX_FAULTS: '{"zaia":{"status":503,"rate":0.2}}' }).sandbox.faults).toEqual({ zaia: { status: 503, rate: 0.2 } });
  });

  it('prefers OAuth for Spacebring when both auth kinds are given', () => {
    const config = parseConfig({
      SPACEBRING_CLIENT_ID: 'id',
      SPACEBRING_CLIENT_SECRET: 's',
      SPACEBRING_ACCESS_TOKEN: 'tok',
      SPACEBRING_NETWORK_ID: 'net',
      SPACEBRING_LOCATION_REFS: 'loc-a, loc-b',
    });
    const sb = config.providers.spacebring;
    expect(sb.mode === 'live' && sb.settings.auth.kind).toBe('oauth');
    expect(sb.mode === 'live' && sb.settings.locationRefs).toEqual(['loc-a', 'loc-b']);
  });

  it('leaves OpenTelemetry off unless an OTEL_* variable picks an exporter (issue 21)', () => {
    expect(parseConfig({}).otel).toEqual({ exporter: null, url: 'http://localhost:4318/v1/traces', serviceName: 'ticketgraph' });
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otel).toMatchObject({ exporter: 'otlp', url: 'http://collector:4318/v1/traces' });
    expect(parseConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/traces', OTEL_SERVICE_NAME: 'tg-eu' }).otel).toMatchObject({
      exporter: 'otlp',
      url: 'http://c:4318/traces',
      serviceName: 'tg-eu',
    });
    expect(parseConfig({ OTEL_TRACES_EXPORTER: 'console' }).otel.exporter).toBe('console');
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).otel.exporter).toBeNull();
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).otel.exporter).toBeNull();
    expect(() => parseConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/^OTEL_TRACES_EXPORTER: /);
  });

  it('bounds the SIGTERM drain by SHUTDOWN_GRACE_MS (issue 21)', () => {
    expect(parseConfig({}).shutdownGraceMs).toBe(10_000);
    expect(parseConfig({ SHUTDOWN_GRACE_MS: '2500' }).shutdownGraceMs).toBe(2500);
    expect(() => parseConfig({ SHUTDOWN_GRACE_MS: '-1' })).toThrow(/^SHUTDOWN_GRACE_MS: /);
  });
});

describe('issue 17: settings that override what the seeds leave open', () => {
  const zaiaSettings = (env: Record<string, string>) => {
    const zaia = parseConfig({ ZAIA_API_KEY: 'zk', ...env }).providers.zaia;
    if (zaia.mode !== 'live') throw new Error('zaia should be live');
    return zaia.settings;
  };

  it('ZAIA_AUTH_SCHEME: unset finds the form out; raw or bearer fixes it; anything else stops the start', () => {
    expect(zaiaSettings({}).authScheme).toBeNull();
    expect(zaiaSettings({ ZAIA_AUTH_SCHEME: 'raw' }).authScheme).toBe('raw');
    expect(zaiaSettings({ ZAIA_AUTH_SCHEME: 'bearer' }).authScheme).toBe('bearer');
    expect(() => parseConfig({ ZAIA_API_KEY: 'zk', ZAIA_AUTH_SCHEME: 'basic' })).toThrow(/^ZAIA_AUTH_SCHEME: /);
  });

  it('ZAIA_STATUS_VALUES: three distinct values for open, ongoing and completed; inferred defaults otherwise', () => {
    expect(zaiaSettings({}).statusValues).toEqual({ open: 'pending', ongoing: 'ongoing', completed: 'completed' });
    expect(zaiaSettings({ ZAIA_STATUS_VALUES: 'unanswered, in_progress, finished' }).statusValues).toEqual({
      open: 'unanswered',
      ongoing: 'in_progress',
      completed: 'finished',
    });
    expect(() => parseConfig({ ZAIA_API_KEY: 'zk', ZAIA_STATUS_VALUES: 'open,closed' })).toThrow(/^ZAIA_STATUS_VALUES: expected three distinct/);
    expect(() => parseConfig({ ZAIA_API_KEY: 'zk', ZAIA_STATUS_VALUES: 'a,a,b' })).toThrow(/^ZAIA_STATUS_VALUES: /);
  });

  it('HOSTUP_TIMEZONE: Europe/Stockholm unless set to another IANA zone; a zone Intl does not know stops the start', () => {
    const hostup = (env: Record<string, string>) => {
      const mode = parseConfig({ HOSTUP_API_KEY: 'hk', ...env }).providers.hostup;
      return mode.mode === 'live' ? mode.settings.timeZone : null;
    };
    expect(hostup({})).toBe('Europe/Stockholm');
    expect(hostup({ HOSTUP_TIMEZONE: 'UTC' })).toBe('UTC');
    expect(() => parseConfig({ HOSTUP_API_KEY: 'hk', HOSTUP_TIMEZONE: 'Mars/Olympus' })).toThrow(/^HOSTUP_TIMEZONE: not an IANA time zone/);
  });

  it('SPACEBRING_NETWORK_HEADER: spacebring-network-id unless named otherwise; not a header name stops the start', () => {
    const base = { SPACEBRING_ACCESS_TOKEN: 't', SPACEBRING_NETWORK_ID: 'net', SPACEBRING_LOCATION_REFS: 'loc' };
    const header = (env: Record<string, string>) => {
      const sb = parseConfig({ ...base, ...env }).providers.spacebring;
      return sb.mode === 'live' && sb.settings.auth.kind === 'oauth' ? sb.settings.auth.networkHeader : null;
    };
    expect(header({})).toBe('spacebring-network-id');
    expect(header({ SPACEBRING_NETWORK_HEADER: 'X-Network-Id' })).toBe('x-network-id');
    expect(() => parseConfig({ ...base, SPACEBRING_NETWORK_HEADER: 'bad header' })).toThrow(/^SPACEBRING_NETWORK_HEADER: not an HTTP header name/);
  });
});
