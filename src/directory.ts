import type { MembershipModel } from './model/membership.js';
import type { TagModel } from './model/tag.js';

/*
 * No provider reads a person (or a tag) by id, yet clients hold their ids: Relay refetches
 * them with node(id:), a gateway resolves them as entity references, and a normalised cache
 * merges every appearance of an id into one record. A list row may know a person's email
 * only and a ticket's detail their name too; answered as is, the cache would overwrite the
 * name with null. So every membership and tag that reaches a response passes through this
 * directory, which merges what each payload knows (a non-null value replaces an older one,
 * a null never erases one) and answers the merged record: the same id then carries the same
 * values in every position, and node(id:) finds what earlier responses showed.
 *
 * Process-wide and bounded (least recently seen go first); a replica that has not seen an
 * id yet answers what the id itself carries (provider, native id, email where the id is one).
 */

const DEFAULT_CAPACITY = 20_000;

class Lru<V> {
  readonly #entries = new Map<string, V>();
  constructor(readonly capacity: number) {}
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }
  /** Without refreshing recency. */
  peek(key: string): V | undefined {
    return this.#entries.get(key);
  }
  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

function merge<T extends object>(known: T | undefined, seen: T): T {
  if (!known) return { ...seen };
  let changed = false;
  const out = { ...known };
  for (const [key, value] of Object.entries(seen) as [keyof T, T[keyof T]][]) {
    if (value !== null && value !== undefined && out[key] !== value) {
      out[key] = value;
      changed = true;
    }
  }
  return changed ? out : known;
}

export class EntityDirectory {
  readonly #memberships: Lru<MembershipModel>;
  readonly #tags: Lru<TagModel>;
  /**
   * The record each payload object was last answered with. Every field of a person is
   * resolved through here (name, email, … of 300 people in a 50-ticket feed): a payload
   * object already merged, whose record nobody changed since, gets that record again
   * without a new merge, so each field costs a lookup instead of three object copies.
   */
  readonly #answered = new WeakMap<object, object>();

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#memberships = new Lru(capacity);
    this.#tags = new Lru(capacity);
  }

  /** Records what this payload knows of the person and answers everything known. */
  membership(seen: MembershipModel): MembershipModel {
    const last = this.#answered.get(seen);
    if (last !== undefined && this.#memberships.peek(seen.id) === last) return last as MembershipModel;
    // The provider's role words depend on where the person appears (requester, comment
    // author): they belong to the activity (`authorRole`), not to the shared record.
    const merged = merge(this.#memberships.get(seen.id), { ...seen, role: null });
    this.#memberships.set(seen.id, merged);
    this.#answered.set(seen, merged);
    return merged;
  }

  knownMembership(id: string): MembershipModel | undefined {
    return this.#memberships.get(id);
  }

  tag(seen: TagModel): TagModel {
    const last = this.#answered.get(seen);
    if (last !== undefined && this.#tags.peek(seen.id) === last) return last as TagModel;
    const merged = merge(this.#tags.get(seen.id), seen);
    this.#tags.set(seen.id, merged);
    this.#answered.set(seen, merged);
    return merged;
  }

  knownTag(id: string): TagModel | undefined {
    return this.#tags.get(id);
  }
}
