import { createHash } from 'node:crypto';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { TrustedDocuments } from './trusted-documents.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Documents registered by clients (Automatic Persisted Queries), bounded by count and by
 * size: registration is open to any client, so the store must not grow with what they send.
 * Oldest-used first out.
 */
export class DocumentStore {
  readonly #entries = new Map<string, string>();
  #chars = 0;
  constructor(
    readonly maxEntries = 1000,
    readonly maxChars = 8 * 1024 * 1024,
  ) {}

  get(hash: string): string | undefined {
    const document = this.#entries.get(hash);
    if (document !== undefined) {
      this.#entries.delete(hash);
      this.#entries.set(hash, document);
    }
    return document;
  }

  set(hash: string, document: string): void {
    if (document.length > this.maxChars) return;
    const previous = this.#entries.get(hash);
    if (previous !== undefined) {
      this.#entries.delete(hash);
      this.#chars -= previous.length;
    }
    this.#entries.set(hash, document);
    this.#chars += document.length;
    for (const [oldest, text] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#chars <= this.maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= text.length;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

interface PersistedQueryExtension {
  version: 1;
  sha256Hash: string;
}

function persistedQueryOf(extensions: Record<string, unknown> | undefined): PersistedQueryExtension | null {
  const value = extensions?.persistedQuery;
  if (value === undefined || value === null) return null;
  const candidate = value as Partial<PersistedQueryExtension>;
  if (typeof value !== 'object' || candidate.version !== 1 || typeof candidate.sha256Hash !== 'string') {
    throw createGraphQLError('Unsupported persisted query: expected extensions.persistedQuery { version: 1, sha256Hash }', {
      extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED', http: { status: 400 } },
    });
  }
  return candidate as PersistedQueryExtension;
}

/**
 * Automatic Persisted Queries in Apollo's protocol (Apollo Client's persisted-query link):
 * a hash alone runs the document registered under it, or answers PERSISTED_QUERY_NOT_FOUND,
 * upon which the client sends hash and document together to register it. Hash-only
 * requests work over GET, so a CDN can cache them.
 *
 * Written here rather than taken from @graphql-yoga/plugin-apq: its last release (3.6)
 * declares @graphql-tools/utils 10 as a peer, which conflicts with the tree yoga 5.24
 * installs; and it stores a document before it is known to be valid. Here a document is
 * stored only once it has parsed and validated, and trusted documents from the manifest
 * answer hash-only requests too.
 */
function useAutomaticPersistedQueries(store: DocumentStore, manifest: Pick<TrustedDocuments, 'get'>): Plugin {
  const pending = new WeakMap<Request, { hash: string; document: string }>();
  return {
    onParams({ params, setParams, request }) {
      const persisted = persistedQueryOf(params.extensions);
      if (!persisted) return;
      const hash = persisted.sha256Hash.toLowerCase();
      if (params.query == null || params.query === '') {
        const document = manifest.get(hash) ?? store.get(hash);
        if (document === undefined) {
          // Apollo Client retries with the document on this message or code.
          throw createGraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } } });
        }
        setParams({ ...params, query: document });
        return;
      }
      if (sha256(params.query) !== hash) {
        throw createGraphQLError('provided sha does not match query', { extensions: { code: 'PERSISTED_QUERY_MISMATCH', http: { status: 400 } } });
      }
      if (manifest.get(hash) === undefined) pending.set(request, { hash, document: params.query });
    },
    onValidate({ context }) {
      const request = (context as { request?: Request }).request;
      const registration = request && pending.get(request);
      if (!registration || !request) return undefined;
      pending.delete(request);
      return ({ valid }) => {
        if (valid) store.set(registration.hash, registration.document);
      };
    },
  };
}

export interface PersistedDocumentsOptions {
  /** Trusted documents (hash → document), or null; read on every request, so a reloaded manifest applies at once. */
  manifest: Pick<TrustedDocuments, 'get'> | null;
  /** Accept only documents of the manifest, by hash; nothing else runs, nothing registers. */
  only: boolean;
  store?: DocumentStore;
}

/**
 * Persisted operations, two ways that work together:
 * - open (the default): any document runs; Automatic Persisted Queries let clients send a
 *   hash instead, and the manifest's trusted documents are known by hash from the start.
 * - `only`: the manifest is an allow-list (graphql-yoga's persisted-operations plugin); a
 *   hash outside it is PERSISTED_QUERY_NOT_IN_LIST, a document sent as text is
 *   PERSISTED_QUERY_ID_REQUIRED, and APQ registration is off (it would let any client
 *   extend the list).
 */
export function usePersistedDocuments(options: PersistedDocumentsOptions): Plugin {
  const manifest = options.manifest ?? { get: () => undefined };
  if (!options.only) return useAutomaticPersistedQueries(options.store ?? new DocumentStore(), manifest);
  return usePersistedOperations({
    getPersistedOperation: (hash) => manifest.get(hash.toLowerCase()) ?? null,
    allowArbitraryOperations: false,
    customErrors: {
      notFound: {
        message: 'PersistedQueryNotInList: this server runs only the operations of its trusted-documents manifest',
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'PersistedQueryIdRequired: send extensions.persistedQuery { version: 1, sha256Hash } of a trusted document',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      persistedQueryOnly: {
        message: 'PersistedQueryIdRequired: this server runs only persisted operations; send the hash of a trusted document, not its text',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
    },
  });
}
