import { describe, expect, it } from 'vitest';
import { basicAuth } from '../../src/upstream/http.js';
import { createLogger } from '../../src/logger.js';
import { redact, Secret } from '../../src/secret.js';

describe('redact', () => {
  it('removes configured credentials wherever they stand', () => {
    const key = new Secret('hk_live_0123456789');
    expect(redact(`GET /tickets?key=${key.reveal()} failed`)).toBe('GET /tickets?key=[redacted] failed');
  });

  it('removes the base64 form of Basic credentials once a client has built the header', () => {
    const header = basicAuth('pk_public_1', 'sk_secret_2');
    const encoded = header.slice('Basic '.length);
    expect(redact(`request failed; headers were ${JSON.stringify({ auth: encoded })}`)).not.toContain(encoded);
  });

  it.each([
    ['Authorization: Bearer eyJhbGciOi.payload.sig', 'Authorization: Bearer [redacted]'],
    ['authorization: Basic dXNlcjpwYXNz', 'authorization: Basic [redacted]'],
    ['{"x-api-key":"abc123def","accept":"application/json"}', '{"x-api-key":"[redacted]","accept":"application/json"}'],
    ["headers: { 'X-API-Key': 'zz-top-secret' }", "headers: { 'X-API-Key': '[redacted]' }"],
    ['client_secret=s3cr3t&grant_type=client_credentials', 'client_secret=[redacted]&grant_type=client_credentials'],
    ['"access_token": "tok_live_abc"', '"access_token": "[redacted]"'],
  ])('removes auth header values it was never told about: %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves text without credentials alone', () => {
    const text = 'hostup answered getTicket with a payload that breaks its schema at messages.0.body';
    expect(redact(text)).toBe(text);
  });
});

describe('createLogger', () => {
  it('redacts strings, errors and objects in every JSON line, and keeps to its level', () => {
    const lines: string[] = [];
    const token = new Secret('tok_0123456789abcdef').reveal();
    const logger = createLogger({ level: 'warn', pretty: false, write: (line) => lines.push(line) });
    logger.info(`calling with ${token}`);
    logger.warn(`calling with ${token}`);
    logger.error({ err: new Error(`upstream said no to ${token}`), headers: { authorization: 'Bearer other-token-xyz' } }, 'failed');
    logger.error(`headers were {"x-api-key":"zz-top-secret-1"}`);
    const parsed = lines.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(parsed.map((line) => line.level)).toEqual(['warn', 'error', 'error']);
    const text = lines.join('');
    expect(text).not.toContain(token);
    expect(text).not.toContain('other-token-xyz');
    expect(text).not.toContain('zz-top-secret-1');
    expect(text).toContain('upstream said no to [redacted]');
  });

  it('writes readable lines when pretty, redacted too', () => {
    const lines: string[] = [];
    const token = new Secret('tok_pretty_0123456789').reveal();
    createLogger({ level: 'info', pretty: true, write: (line) => lines.push(line) }).info(`calling with ${token}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*calling with \[redacted\]/);
    expect(() => JSON.parse(lines[0]!) as unknown).toThrow();
  });
});
