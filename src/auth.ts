import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Plugin } from 'graphql-yoga';
import type { AuthConfig } from './config.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares digests of equal length, so neither the key's length nor its prefix leaks by timing. */
export function keyMatches(candidate: string, keys: readonly { reveal(): string }[]): boolean {
  const given = digest(candidate);
  let match = false;
  for (const key of keys) match = timingSafeEqual(given, digest(key.reveal())) || match;
  return match;
}

function jwksFrom(source: string): JWTVerifyGetKey {
  if (/^https?:\/\//.test(source)) return createRemoteJWKSet(new URL(source));
  return createLocalJWKSet(JSON.parse(readFileSync(source, 'utf8')) as Parameters<typeof createLocalJWKSet>[0]);
}

export type Authenticator = (request: Request) => Promise<{ ok: true } | { ok: false; reason: string }>;

/** Null when no client auth is configured (the gateway is open, and main.ts warns). */
export function createAuthenticator(config: AuthConfig): Authenticator | null {
  if (config.apiKeys.length === 0 && !config.jwt) return null;
  const jwt = config.jwt;
  const jwks = jwt ? jwksFrom(jwt.jwks) : null;
  return async (request) => {
    const header = request.headers.get('authorization');
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
    const token = bearer ?? request.headers.get('x-api-key') ?? undefined;
    if (!token) return { ok: false, reason: 'missing credentials: send Authorization: Bearer <key or token>' };
    if (config.apiKeys.length > 0 && keyMatches(token, config.apiKeys)) return { ok: true };
    if (jwt && jwks && token.split('.').length === 3) {
      try {
        await jwtVerify(token, jwks, { issuer: jwt.issuer, audience: jwt.audience });
        return { ok: true };
      } catch (error) {
        const code = (error as { code?: string }).code;
        return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : 'the token is not valid for this API' };
      }
    }
    return { ok: false, reason: 'invalid credentials' };
  };
}

/**
 * Guards the GraphQL endpoint. GraphiQL's page itself (a GET asking for HTML) stays open so
 * a person can load it and then set the Authorization header in its headers tab.
 */
export function useClientAuth(authenticate: Authenticator | null, graphqlEndpoint: string): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!authenticate || url.pathname !== graphqlEndpoint) return;
      if (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html')) return;
      const result = await authenticate(request);
      if (result.ok) return;
      // GraphQL over HTTP: a client that accepts application/graphql-response+json (Apollo
      // Client 4) reads the body of a non-2xx answer only under that type.
      const type = (request.headers.get('accept') ?? '').includes('application/graphql-response+json') ? 'application/graphql-response+json' : 'application/json';
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message: `Unauthenticated: ${result.reason}`, extensions: { code: 'UNAUTHENTICATED' } }] }),
          { status: 401, headers: { 'content-type': `${type}; charset=utf-8`, 'www-authenticate': 'Bearer' } },
        ),
      );
    },
  };
}
