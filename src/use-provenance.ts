import type { Plugin } from 'graphql-yoga';
import { createAuthenticator, type AuthSettings } from './auth.js';
import type { Context } from './context.js';
import { currentScope } from './request-context.js';

/** The request header that asks for the upstream calls behind a response. */
export const TRACE_HEADER = 'ticketgraph-trace';

/**
 * Provenance, opt-in: with `ticketgraph-trace: 1`, `extensions.upstream` lists the upstream
 * calls behind the response (provider, operation, method, status, duration, attempts,
 * coalesced, cached). Honoured from an authenticated client, or outside production when no
 * client auth is configured; ignored otherwise, since it tells how the providers behave.
 */
/** The slice of the config provenance reads. */
export interface ProvenanceSettings {
  auth: AuthSettings;
  /** Without client auth, provenance is honoured outside production only. */
  env: string;
}

export function useProvenance(config: ProvenanceSettings): Plugin<Context> {
  // A second authenticator, silent: the one guarding /graphql already logs JWKS outages.
  const authenticate = createAuthenticator(config.auth, { warn: () => {}, info: () => {} });
  return {
    // Not async: a request without the header (nearly all) should not pay for a promise.
    onRequest({ request }) {
      if (request.headers.get(TRACE_HEADER)?.trim() !== '1') return;
      const scope = currentScope();
      if (!scope) return;
      if (!authenticate) {
        if (config.env !== 'production') scope.upstream = [];
        return;
      }
      return authenticate(request).then((result) => {
        if (result.ok) scope.upstream = [];
      });
    },
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        const upstream = currentScope()?.upstream;
        if (!upstream || !result || Symbol.asyncIterator in result) return;
        setResult({ ...result, extensions: { ...result.extensions, upstream: upstream.map((call) => ({ ...call })) } });
      },
    }),
  };
}
