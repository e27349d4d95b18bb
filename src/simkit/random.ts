/** Deterministic randomness for seeded sandbox data (mulberry32: fast, good enough for fixtures). */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }
  /** A new independent stream, so each provider's data does not shift when another's changes. */
  fork(label: string): Random {
    let h = this.#state;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x5bd1e995) >>> 0;
    return new Random(h ^ (h >>> 15));
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** A UUID v4-shaped string. */
  uuid(): string {
    const hex = (n: number) => Array.from({ length: n }, () => Math.floor(this.next() * 16).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(this.next() * 4)]}${hex(3)}-${hex(12)}`;
  }
  /** A time between `from` and `to` (ms epoch), with whole milliseconds. */
  time(from: number, to: number): number {
    return Math.floor(from + this.next() * (to - from));
  }
  sentence(words = this.int(4, 10)): string {
    const text = Array.from({ length: words }, () => this.pick(WORDS)).join(' ');
    return text.charAt(0).toUpperCase() + text.slice(1) + '.';
  }
  paragraph(sentences = this.int(1, 4)): string {
    return Array.from({ length: sentences }, () => this.sentence()).join(' ');
  }
}

const WORDS = [
  'printer',
  'wifi',
  'invoice',
  'booking',
  'door',
  'access',
  'card',
  'payment',
  'refund',
  'server',
  'domain',
  'email',
  'password',
  'reset',
  'cannot',
  'login',
  'slow',
  'error',
  'broken',
  'please',
  'help',
  'urgent',
  'meeting',
  'room',
  'heating',
  'noise',
  'package',
  'delivery',
  'account',
  'billing',
  'transfer',
  'failed',
  'pending',
  'agent',
  'chat',
  'bot',
  'handover',
  'ticket',
  'again',
  'since',
  'yesterday',
  'today',
  'the',
  'our',
  'my',
  'is',
  'not',
  'working',
  'after',
  'update',
  'dns',
  'ssl',
  'certificate',
  'backup',
  'vps',
  'restart',
  'charge',
  'duplicate',
  'statement',
  'webhook',
  'api',
  'key',
];

/** Base time of generated data: fixed, so seeded data is the same on every run. */
export const SANDBOX_EPOCH = Date.parse('2026-10-01T00:00:00.000Z');
export const DAY = 86_400_000;
