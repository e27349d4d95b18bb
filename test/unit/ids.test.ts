import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../src/errors.js';
import { decodeId, encodeId } from '../../src/ids.js';

describe('global ids', () => {
  it('round-trips type, provider and a native id containing separators', () => {
    const id = encodeId('Ticket', 'moov', 'acc-1/ticket:2');
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeId(id)).toEqual({ type: 'Ticket', provider: 'moov', nativeId: 'acc-1/ticket:2' });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%^'],
    ['no separators', Buffer.from('garbage').toString('base64url')],
    ['unknown type', Buffer.from('Widget:moov:1').toString('base64url')],
    ['unknown provider', Buffer.from('Ticket:zendesk:1').toString('base64url')],
    ['empty native id', Buffer.from('Ticket:moov:').toString('base64url')],
    ['control characters', Buffer.from('Ticket:moov:a\u0000b').toString('base64url')],
    ['too long', 'A'.repeat(5000)],
  ])('rejects an id that is %s with BAD_USER_INPUT', (_why, id) => {
    expect(() => decodeId(id)).toThrow(BadUserInputError);
    try {
      decodeId(id, undefined, 'id');
    } catch (error) {
      expect((error as BadUserInputError).code).toBe('BAD_USER_INPUT');
      expect((error as BadUserInputError).extensions.argument).toBe('id');
    }
  });

  it('names the unknown provider', () => {
    expect(() => decodeId(Buffer.from('Ticket:zendesk:1').toString('base64url'))).toThrow(/unknown provider "zendesk"/);
  });

  it('rejects an id of another type where one type is expected', () => {
    expect(() => decodeId(encodeId('Tag', 'zaia', 'x'), 'Ticket')).toThrow(/expected a Ticket id, got a Tag id/);
  });
});
