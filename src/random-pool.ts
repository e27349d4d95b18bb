import { randomFillSync } from 'node:crypto';

/*
 * Random bytes drawn from a pool refilled 4 KB at a time: span ids (one per upstream
 * attempt) and feed-cursor nonces (one per edge) each made a call into the entropy source
 * per value, which cost more than what they were for.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

/**
 * `bytes` fresh random bytes, as a view into the pool: read or copy them before the next
 * call, which may refill the pool under them.
 */
export function randomSlice(bytes: number): Buffer {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return slice;
}
