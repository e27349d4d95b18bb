import { describe, expect, it } from 'vitest';
import { EntityDirectory } from '../../src/directory.js';
import { createMembership } from '../../src/model/membership.js';

describe('EntityDirectory', () => {
  const listRow = () => createMembership('sonzai', 'email:ann@example.com', 'USER', { email: 'ann@example.com' });
  const detail = () => ({ ...listRow(), name: 'Ann' });

  it('merges what each payload knows: a later name reaches the earlier payload, a null never erases it', () => {
    const directory = new EntityDirectory();
    const row = listRow();
    expect(directory.membership(row).name).toBeNull();
    expect(directory.membership(detail()).name).toBe('Ann');
    expect(directory.membership(row)).toMatchObject({ name: 'Ann', email: 'ann@example.com' });
  });

  it('issue 18: answers a payload already merged with the same record, without merging again', () => {
    const directory = new EntityDirectory();
    const row = listRow();
    const first = directory.membership(row);
    expect(directory.membership(row)).toBe(first);
    expect(directory.membership(row)).toBe(first);
    const tag = { id: 't', provider: 'zaia' as const, nativeId: 't', name: 'vip' };
    expect(directory.tag(tag)).toBe(directory.tag(tag));
  });
});
