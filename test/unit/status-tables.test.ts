import { describe, expect, it } from 'vitest';
import { TICKET_STATUSES, type TicketStatus } from '../../src/model/ticket.js';
import { hostupStatuses, mapHostupStatus } from '../../src/providers/hostup/mapper.js';
import { HOSTUP_V2_STATUSES } from '../../src/providers/hostup/wire.js';
import { mapMoovStatus, moovStatuses } from '../../src/providers/moov/mapper.js';
import { MOOV_TICKET_STATUSES } from '../../src/providers/moov/wire.js';
import { mapSonzaiStatus, sonzaiStatuses } from '../../src/providers/sonzai/mapper.js';
import { SONZAI_TICKET_STATUSES } from '../../src/providers/sonzai/wire.js';
import { mapSpacebringStatus, toSpacebringStatus } from '../../src/providers/spacebring/mapper.js';
import { SPACEBRING_STATUSES } from '../../src/providers/spacebring/wire.js';
import { mapZaiaStatus, zaiaStatusesFor } from '../../src/providers/zaia/mapper.js';
import { statusTable } from '../../src/upstream/status-table.js';

/** Keys every object inherits: a table lookup must not find them. */
const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'OPEN', 'Closed ', null, undefined];

describe('statusTable', () => {
  const table = statusTable({ b: 'CLOSED', a: 'OPEN', c: 'OPEN', x: 'UNKNOWN' } as const, { exclude: ['x'] });

  it('maps known raws, and anything else (inherited keys included) to UNKNOWN', () => {
    expect(table.map('a')).toBe('OPEN');
    expect(table.map('b')).toBe('CLOSED');
    for (const raw of HOSTILE) expect(table.map(raw)).toBe('UNKNOWN');
  });

  it('gives the raws of a status in table order, excluded raws left out', () => {
    expect(table.rawFor('OPEN')).toEqual(['a', 'c']);
    expect(table.rawFor('UNKNOWN')).toEqual([]);
    expect(table.rawFor('WAITING')).toEqual([]);
  });

  it('pushes a filter down in table order, and not at all without one or with UNKNOWN in it', () => {
    expect(table.upstream(['OPEN', 'CLOSED'])).toEqual(['b', 'a', 'c']);
    expect(table.upstream(['CLOSED', 'OPEN'])).toEqual(['b', 'a', 'c']);
    expect(table.upstream(['WAITING'])).toEqual([]);
    expect(table.upstream([])).toBeNull();
    expect(table.upstream(undefined)).toBeNull();
    expect(table.upstream(['OPEN', 'UNKNOWN'])).toBeNull();
  });
});

/** Each provider: its documented statuses (wire.ts), its map, and the inverse used for filters. */
const PROVIDERS: { name: string; documented: readonly string[]; map: (raw: string) => TicketStatus; rawFor: (s: TicketStatus) => string[] }[] = [
  { name: 'moov', documented: MOOV_TICKET_STATUSES, map: mapMoovStatus, rawFor: moovStatuses.rawFor },
  { name: 'sonzai', documented: SONZAI_TICKET_STATUSES, map: mapSonzaiStatus, rawFor: sonzaiStatuses.rawFor },
  { name: 'hostup', documented: HOSTUP_V2_STATUSES.filter((s) => s !== 'unknown'), map: mapHostupStatus, rawFor: hostupStatuses.rawFor },
  {
    name: 'spacebring',
    documented: SPACEBRING_STATUSES,
    map: mapSpacebringStatus,
    rawFor: (s) => {
      const raw = toSpacebringStatus(s);
      return raw === null ? [] : [raw];
    },
  },
  { name: 'zaia', documented: ['pending', 'ongoing', 'completed'], map: mapZaiaStatus, rawFor: (s) => (s === 'UNKNOWN' ? [] : zaiaStatusesFor([s])) },
];

describe.each(PROVIDERS)('$name status table', ({ documented, map, rawFor }) => {
  it('maps every documented status to a known one', () => {
    for (const raw of documented) expect(map(raw), raw).not.toBe('UNKNOWN');
  });

  it('maps an unseen or hostile value to UNKNOWN', () => {
    for (const raw of ['escalated', '__proto__', 'constructor', 'toString', '']) expect(map(raw), raw).toBe('UNKNOWN');
  });

  it('round-trips: every raw a status stands for maps back to it, and only documented raws are sent', () => {
    for (const status of TICKET_STATUSES) {
      for (const raw of rawFor(status)) {
        expect(map(raw), `${status} -> ${raw}`).toBe(status);
        expect(documented).toContain(raw);
      }
    }
    expect(rawFor('UNKNOWN')).toEqual([]);
  });
});

describe('hostup v1 statuses', () => {
  it.each([
    ['Open', 'OPEN'],
    ['Customer-Reply', 'OPEN'],
    ['In Progress', 'IN_PROGRESS'],
    [' On Hold ', 'WAITING'],
    ['Answered', 'WAITING'],
    ['CLOSED', 'CLOSED'],
    ['Unknown', 'UNKNOWN'],
  ] as const)('folds the HostBill word %j onto %s', (raw, status) => {
    expect(mapHostupStatus(raw)).toBe(status);
  });
});
