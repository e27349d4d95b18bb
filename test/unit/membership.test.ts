import { describe, expect, it } from 'vitest';
import { decodeId } from '../../src/ids.js';
import { createMembership, emailNativeId, emailOfNativeId, isEmail, normaliseEmail } from '../../src/model/membership.js';

describe('the email convention (model/membership.ts)', () => {
  it.each([
    ['ana@example.com', true],
    ['  Ana@Example.COM ', true],
    ['ops@localhost', true],
    ['Ana Lopez', false],
    ['+46 70 123 45 67', false],
    ['a b@example.com', false],
    ['@example.com', false],
    ['ana@', false],
    ['ana@@example.com', false],
  ])('isEmail(%j) is %s', (value, expected) => {
    expect(isEmail(value)).toBe(expected);
  });

  it('keys a person known by email on the trimmed, lower-cased address, and reads it back', () => {
    expect(normaliseEmail('  Ana@Example.COM ')).toBe('ana@example.com');
    expect(emailNativeId(' Ana@Example.COM')).toBe('email:ana@example.com');
    expect(emailOfNativeId(emailNativeId('Ana@Example.com'))).toBe('ana@example.com');
    expect(emailOfNativeId('client:7')).toBeNull();
    expect(emailOfNativeId('usr_123')).toBeNull();
  });
});

describe('createMembership', () => {
  it('derives the global id from provider and native id, and leaves what the provider does not say null', () => {
    const member = createMembership('moov', emailNativeId('ana@example.com'), 'CONTACT', { name: 'Ana', email: 'ana@example.com' });
    expect(member).toEqual({
      id: member.id,
      provider: 'moov',
      nativeId: 'email:ana@example.com',
      kind: 'CONTACT',
      name: 'Ana',
      firstName: null,
      lastName: null,
      email: 'ana@example.com',
      phone: null,
      avatarUrl: null,
      role: null,
      blocked: null,
    });
    expect(decodeId(member.id, 'Membership')).toMatchObject({ provider: 'moov', nativeId: 'email:ana@example.com' });
  });

  it('keeps false and empty values it is given (only absent ones become null)', () => {
    expect(createMembership('zaia', 'u1', 'OWNER', { blocked: false, role: '' })).toMatchObject({ blocked: false, role: '' });
  });
});
