/*
 * HostBill's `YYYY-MM-DD HH:MM:SS` times carry no zone. HostUp is a Swedish host, so they are
 * read as wall-clock times in HOSTUP_TIMEZONE (default Europe/Stockholm, inferred: the seed
 * states no zone). Intl knows the zone rules, so no date library is needed.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** True when Intl knows the zone (settings.ts refuses any other). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatIn(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `ms` in the zone, as if it were UTC (milliseconds dropped). */
function wallClockAsUtc(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatIn(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/**
 * The instant a wall-clock time (given as if UTC, `Date.UTC(…)`) names in the zone. The
 * zone's offsets a day before and a day after give the candidates (zones change offset at
 * most once a day); those that read back as the same wall clock are right, the earlier one for
 * the hour the autumn change repeats. A time the spring change skips has none and is read
 * with the earlier offset, which lands it an hour later, as a clock would.
 */
export function zonedWallTimeToInstant(wallAsUtc: number, timeZone: string): number {
  const DAY = 86_400_000;
  const offsetAt = (ms: number) => wallClockAsUtc(ms, timeZone) - Math.floor(ms / 1000) * 1000;
  const before = wallAsUtc - offsetAt(wallAsUtc - DAY);
  const after = wallAsUtc - offsetAt(wallAsUtc + DAY);
  const wallSeconds = Math.floor(wallAsUtc / 1000) * 1000;
  const valid = [before, after].filter((ms) => wallClockAsUtc(ms, timeZone) === wallSeconds);
  return valid.length > 0 ? Math.min(...valid) : before;
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in the zone (the simulator writes v1 times with it). */
export function formatWallTime(ms: number, timeZone: string): string {
  return new Date(wallClockAsUtc(ms, timeZone)).toISOString().slice(0, 19).replace('T', ' ');
}
