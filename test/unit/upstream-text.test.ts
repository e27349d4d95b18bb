import { describe, expect, it } from 'vitest';
import { seg } from '../../src/upstream/http.js';
import { providerText, safeRequestId } from '../../src/upstream/errors.js';
import { Secret } from '../../src/secret.js';

describe('seg (issue 13: dot segments)', () => {
  it.each(['', '.', '..', '%2e', '%2E%2e', '.%2E', '%252e%252e'])('refuses %j as BAD_USER_INPUT', (value) => {
    expect(() => seg(value)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it.each([
    ['...', '...'],
    ['a/..', 'a%2F..'],
    ['t 1?x#y', 't%201%3Fx%23y'],
    ['.hidden', '.hidden'],
  ])('encodes %j as the one segment %j', (value, encoded) => {
    expect(seg(value)).toBe(encoded);
  });
});

describe('providerText (issue 13: provider text reaching clients)', () => {
  it('redacts configured credentials and auth header values, drops control characters, caps the length', () => {
    const secret = new Secret('tok_live_7Hq2LmX9pR4sT8vWzz');
    const text = providerText(`echo: ${secret.reveal()} authorization: Basic dXNlcjpwYXNz\r\n${'y'.repeat(1000)}`);
    expect(text).not.toContain(secret.reveal());
    expect(text).not.toContain('dXNlcjpwYXNz');
    expect(text).not.toMatch(/[\r\n]/);
    expect(text.length).toBeLessThanOrEqual(300);
  });
});

describe('safeRequestId', () => {
  it('accepts what looks like a request id, nothing else', () => {
    const secret = new Secret('zz_live_0123456789abcdef');
    expect(safeRequestId('req_01HZX9-abc.1:2')).toBe('req_01HZX9-abc.1:2');
    for (const bad of [undefined, 42, '', 'a'.repeat(129), 'has space', '<b>', 'https://x.example/log/1', secret.reveal()]) {
      expect(safeRequestId(bad), String(bad)).toBeUndefined();
    }
  });
});
