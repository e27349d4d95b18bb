import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('parseConfig: live changes (issue 20)', () => {
  it('polls the sandbox every 5 s, live providers every 30 s, and has no Redis by default', () => {
    const config = parseConfig({ HOSTUP_API_KEY: 'k' });
    expect(config.sharedState.redisUrl).toBeNull();
    expect(config.live.pollMs).toEqual({ spacebring: 5000, moov: 0, hostup: 30_000, zaia: 5000, sonzai: 5000 });
    expect(config.live.leaseMs).toBe(90_000);
  });

  it('takes CHANGES_POLL_MS for all and CHANGES_POLL_MS_<PROVIDER> over it; 0 turns polling off', () => {
    const config = parseConfig({ CHANGES_POLL_MS: '10000', CHANGES_POLL_MS_ZAIA: '0', CHANGES_LEASE_MS: '2000' });
    expect(config.live.pollMs).toEqual({ spacebring: 10_000, moov: 0, hostup: 10_000, zaia: 0, sonzai: 10_000 });
    expect(config.live.leaseMs).toBe(2000);
  });

  it('watches a sandboxed Moov by its webhook alone, with a secret made up per start, as a live Moov with MOOV_WEBHOOK_SECRET', () => {
    const sandboxed = parseConfig({});
    expect(sandboxed.live.moovWebhook?.secret.reveal()).toMatch(/^[0-9a-f]{64}$/);
    expect(parseConfig({}).live.moovWebhook?.secret.reveal()).not.toBe(sandboxed.live.moovWebhook?.secret.reveal());
    expect(sandboxed.live.pollMs.moov).toBe(0);
    expect(parseConfig({ CHANGES_POLL_MS_MOOV: '5000' }).live.pollMs.moov).toBe(5000);
    expect(parseConfig({ MOOV_WEBHOOK_SECRET: 's3cret' }).live.moovWebhook?.secret.reveal()).toBe('s3cret');
  });

  it('has no webhook for a live Moov without MOOV_WEBHOOK_SECRET, nor for a Moov not served, and polls a live Moov then', () => {
    const live = parseConfig({ MOOV_ACCESS_TOKEN: 't', MOOV_ACCOUNT_IDS: 'acct-1' });
    expect(live.providers.moov.mode).toBe('live');
    expect(live.live.moovWebhook).toBeNull();
    expect(live.live.pollMs.moov).toBe(30_000);
    expect(parseConfig({ TICKETGRAPH_PROVIDERS: 'hostup' }).live.moovWebhook).toBeNull();
  });

  it('stops polling Moov when its webhooks are configured, unless told to poll it', () => {
    expect(parseConfig({ MOOV_WEBHOOK_SECRET: 's3cret' }).live.pollMs.moov).toBe(0);
    expect(parseConfig({ MOOV_WEBHOOK_SECRET: 's3cret', CHANGES_POLL_MS_MOOV: '60000' }).live.pollMs.moov).toBe(60_000);
    // The interval of all is not a word about Moov (the bench found it polling Moov beside its webhook).
    expect(parseConfig({ MOOV_WEBHOOK_SECRET: 's3cret', CHANGES_POLL_MS: '1000' }).live.pollMs).toMatchObject({ moov: 0, hostup: 1000 });
    const webhook = parseConfig({ MOOV_WEBHOOK_SECRET: 's3cret' }).live.moovWebhook;
    expect(webhook?.toleranceMs).toBe(300_000);
    expect(JSON.stringify(webhook)).not.toContain('s3cret');
  });

  it('reads REDIS_URL (redis: or rediss:)', () => {
    expect(parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).sharedState.redisUrl?.reveal()).toBe('redis://127.0.0.1:6379');
    expect(parseConfig({ REDIS_URL: 'rediss://cache.example:6380/0' }).sharedState.redisUrl?.reveal()).toBe('rediss://cache.example:6380/0');
  });

  it.each([
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /^REDIS_URL: /],
    [{ CHANGES_POLL_MS: '-5' }, /^CHANGES_POLL_MS: /],
    [{ CHANGES_POLL_MS_HOSTUP: 'often' }, /^CHANGES_POLL_MS_HOSTUP: /],
    [{ CHANGES_LEASE_MS: '10' }, /^CHANGES_LEASE_MS: /],
    [{ MOOV_WEBHOOK_TOLERANCE_MS: '5' }, /^MOOV_WEBHOOK_TOLERANCE_MS: /],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
