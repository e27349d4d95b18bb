import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { BadUserInputError } from '../errors.js';
import type { ProviderKey } from '../model/provider.js';
import { randomSlice } from '../random-pool.js';
import { Secret } from '../secret.js';

/**
 * Feed cursors are sealed with AES-256-GCM: the client can neither read the provider
 * positions inside (account/location ids, upstream page tokens) nor forge one that
 * points the gateway at a position it never handed out. The plaintext is a small binary
 * record rather than JSON, because a five-provider feed carries a dozen positions and
 * clients pay for every byte of every edge's cursor.
 */

/** Position of one source: null = its first page not read yet, false = walked to its end. */
export type SourcePosition = string | null | false;

export interface FeedCursor {
  /** Hash of the filter: a cursor only continues the feed it came from. */
  filter: Buffer;
  /** Sort key of the last ticket returned; null when no ticket was returned yet. */
  key: readonly [number, string] | null;
  /** Positions in the order of the feed's source list (providers in registry order, then each provider's sources). */
  positions: SourcePosition[];
}

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const FILTER_HASH_BYTES = 6;
/** Far above any real cursor; keeps a hostile `after` from costing a large decode. */
const MAX_CURSOR_CHARS = 4096;

/** The slice of the config a cursor key is made from (the config object itself, so the key is derived once). */
export interface CursorKeySettings {
  cursorSecret: Secret | null;
  enabled: readonly ProviderKey[];
  /** Provider modes, credentials and base URLs: what replicas of one deployment share. */
  providers: object;
  sandbox: { seed: number };
}

const keys = new WeakMap<CursorKeySettings, Buffer>();

/**
 * The sealing key: from CURSOR_SECRET, else derived from the provider configuration
 * (credentials and base URLs, or the sandbox seed), which replicas of one deployment share,
 * so a cursor stays valid on another replica and after a restart.
 */
export function cursorKeyFor(config: CursorKeySettings): Buffer {
  let key = keys.get(config);
  if (!key) {
    const material = config.cursorSecret
      ? `secret\0${config.cursorSecret.reveal()}`
      : `providers\0${stableText({ enabled: config.enabled, providers: config.providers, seed: config.sandbox.seed })}`;
    key = Buffer.from(hkdfSync('sha256', material, 'ticketgraph', 'feed-cursor v1', 32));
    keys.set(config, key);
  }
  return key;
}

/** JSON with sorted keys and Secrets revealed: only ever hashed, never written anywhere. */
function stableText(value: unknown): string {
  if (value instanceof Secret) return JSON.stringify(value.reveal());
  if (Array.isArray(value)) return `[${value.map(stableText).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function hashFilter(json: string): Buffer {
  return createHash('sha256').update(json).digest().subarray(0, FILTER_HASH_BYTES);
}

// ---- binary record --------------------------------------------------------------------

/** Position tags: a decimal offset/page number costs a varint, anything else its UTF-8 bytes. */
const enum Tag {
  Start = 0,
  Done = 1,
  Number = 2,
  Text = 3,
}

class Writer {
  readonly #bytes: number[] = [];
  byte(b: number): void {
    this.#bytes.push(b);
  }
  varint(n: number): void {
    let v = n;
    while (v >= 0x80) {
      this.#bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#bytes.push(v);
  }
  text(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    for (const x of b) this.#bytes.push(x);
  }
  raw(b: Buffer): void {
    for (const x of b) this.#bytes.push(x);
  }
  done(): Buffer {
    return Buffer.from(this.#bytes);
  }
}

class Reader {
  #at = 0;
  constructor(readonly bytes: Buffer) {}
  byte(): number {
    const b = this.bytes[this.#at++];
    if (b === undefined) throw new RangeError('truncated');
    return b;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
    throw new RangeError('varint too long');
  }
  text(): string {
    const length = this.varint();
    if (this.#at + length > this.bytes.length) throw new RangeError('truncated');
    const s = this.bytes.subarray(this.#at, this.#at + length).toString('utf8');
    this.#at += length;
    return s;
  }
  raw(length: number): Buffer {
    if (this.#at + length > this.bytes.length) throw new RangeError('truncated');
    const b = this.bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return b;
  }
  get ended(): boolean {
    return this.#at === this.bytes.length;
  }
}

// ---- compact text -------------------------------------------------------------------------

/*
 * Provider page tokens and ticket ids are mostly base64url wrapped around numbers, UUIDs and
 * a little JSON: written as text they made deep cursors 500+ characters. Each string is
 * written as tokens instead: a base64url run that decodes to printable text is unwrapped
 * (and tokenized in turn), UUIDs take their 16 bytes, standalone decimal numbers a varint,
 * frequent literals one byte. Decoding reproduces the string exactly or the cursor is refused.
 */
const enum Part {
  End = 0,
  Literal = 1,
  Number = 2,
  Uuid = 3,
  Base64 = 4,
  /** Part.Word + i: WORDS[i]. */
  Word = 16,
}
const WORDS = ['Ticket:moov:', 'Ticket:spacebring:', 'Ticket:zaia:', 'Ticket:sonzai:', 'Ticket:hostup:', '{"u":', ',"id":"', '"}', '|', '/', ':', 'c:', 'o:'];
const TOKENS =
  /((?<![A-Za-z0-9_-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9_-]))|((?<![A-Za-z0-9])(?:0|[1-9]\d{0,14})(?![A-Za-z0-9]))|([A-Za-z0-9_-]{12,})/g;

function unwrapBase64(run: string): string | null {
  const text = Buffer.from(run, 'base64url').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) && Buffer.from(text, 'utf8').toString('base64url') === run ? text : null;
}

function writeLiteral(w: Writer, text: string): void {
  if (text === '') return;
  const word = WORDS.indexOf(text);
  if (word >= 0) w.byte(Part.Word + word);
  else {
    w.byte(Part.Literal);
    w.text(text);
  }
}

function writeCompact(w: Writer, s: string, depth = 0): void {
  let at = 0;
  for (const m of s.matchAll(TOKENS)) {
    const [run, uuid, number, b64Candidate] = m;
    const inner = b64Candidate !== undefined && depth < 2 ? unwrapBase64(b64Candidate) : null;
    if (b64Candidate !== undefined && inner === null) continue;
    writeLiteral(w, s.slice(at, m.index));
    if (inner !== null) {
      w.byte(Part.Base64);
      writeCompact(w, inner, depth + 1);
    } else if (number !== undefined) {
      w.byte(Part.Number);
      w.varint(Number(number));
    } else if (uuid !== undefined) {
      w.byte(Part.Uuid);
      w.raw(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
    }
    at = m.index + run.length;
  }
  writeLiteral(w, s.slice(at));
  w.byte(Part.End);
}

function readCompact(r: Reader, depth = 0): string {
  let out = '';
  for (let parts = 0; parts < 256; parts++) {
    const part = r.byte();
    if (part === Part.End) return out;
    if (part === Part.Literal) out += r.text();
    else if (part === Part.Number) out += String(r.varint());
    else if (part === Part.Uuid) {
      const hex = r.raw(16).toString('hex');
      out += `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    } else if (part === Part.Base64 && depth < 2) out += Buffer.from(readCompact(r, depth + 1), 'utf8').toString('base64url');
    else if (part >= Part.Word && part < Part.Word + WORDS.length) out += WORDS[part - Part.Word] as string;
    else throw new RangeError('part');
  }
  throw new RangeError('too many parts');
}

const DECIMAL = /^(0|[1-9]\d{0,14})$/;

/**
 * Compact encodings of the strings already written, for one run of sealing: the cursors of
 * one feed page repeat the same provider positions edge after edge, and compacting a string
 * (regexes, base64 round trips) is most of what sealing one costs.
 */
export type CompactMemo = Map<string, Buffer>;

function writeCompactOnce(w: Writer, s: string, memo: CompactMemo | undefined): void {
  if (!memo) return writeCompact(w, s);
  let bytes = memo.get(s);
  if (!bytes) {
    const own = new Writer();
    writeCompact(own, s);
    bytes = own.done();
    memo.set(s, bytes);
  }
  w.raw(bytes);
}

function serialize(cursor: FeedCursor, memo: CompactMemo | undefined): Buffer {
  const w = new Writer();
  w.byte(VERSION);
  w.raw(cursor.filter);
  if (cursor.key) {
    w.varint(cursor.key[0] + 1);
    writeCompact(w, cursor.key[1]);
  } else {
    w.varint(0);
  }
  w.varint(cursor.positions.length);
  for (const p of cursor.positions) {
    if (p === null) w.byte(Tag.Start);
    else if (p === false) w.byte(Tag.Done);
    else if (DECIMAL.test(p)) {
      w.byte(Tag.Number);
      w.varint(Number(p));
    } else {
      w.byte(Tag.Text);
      writeCompactOnce(w, p, memo);
    }
  }
  return w.done();
}

function deserialize(bytes: Buffer): FeedCursor {
  const r = new Reader(bytes);
  if (r.byte() !== VERSION) throw new RangeError('version');
  const filter = Buffer.from(r.raw(FILTER_HASH_BYTES));
  const time = r.varint();
  const key = time === 0 ? null : ([time - 1, readCompact(r)] as const);
  const count = r.varint();
  if (count > 10_000) throw new RangeError('too many positions');
  const positions: SourcePosition[] = [];
  for (let i = 0; i < count; i++) {
    const tag = r.byte();
    if (tag === Tag.Start) positions.push(null);
    else if (tag === Tag.Done) positions.push(false);
    else if (tag === Tag.Number) positions.push(String(r.varint()));
    else if (tag === Tag.Text) positions.push(readCompact(r));
    else throw new RangeError('tag');
  }
  if (!r.ended) throw new RangeError('trailing bytes');
  return { filter, key, positions };
}

// ---- sealing ----------------------------------------------------------------------------

/** Seals a cursor; pass one memo to the cursors of one page (they share most of their positions). */
export function sealCursor(cursor: FeedCursor, key: Buffer, memo?: CompactMemo): string {
  // GCM needs a nonce never repeated under one key: 96 random bits each, as randomBytes(12)
  // gave, from the shared pool (a page seals one cursor per edge). Used before any other draw.
  const nonce = randomSlice(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  const body = cipher.update(serialize(cursor, memo));
  // GCM is a stream mode: final() adds no bytes, it only computes the tag.
  cipher.final();
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a cursor; anything not sealed by this deployment, or altered since, is BAD_USER_INPUT on `after`. */
export function openCursor(after: string, key: Buffer): FeedCursor {
  const bad = () => new BadUserInputError('Invalid after: not a cursor issued by ticketgraph', { argument: 'after' });
  if (after.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(after)) throw bad();
  const sealed = Buffer.from(after, 'base64url');
  if (sealed.length < NONCE_BYTES + TAG_BYTES + 1) throw bad();
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw bad();
  }
  try {
    return deserialize(plain);
  } catch {
    throw bad();
  }
}
