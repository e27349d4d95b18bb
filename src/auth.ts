import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Plugin } from 'graphql-yoga';
import type { Secret } from './secret.js';

/** Client authentication of the gateway (config.ts reads it from TICKETGRAPH_API_KEYS and TICKETGRAPH_JWT_*). */
export interface AuthSettings {
  /** Keys a client may send (`Authorization: Bearer <key>` or `X-API-Key`). */
  apiKeys: Secret[];
  /**
   * JWT verification: issuer, audience and a JWKS (file path or https URL). Tokens must carry
   * `exp`; with `maxAgeSeconds` they must also carry `iat` and be no older than that.
   */
  jwt: { issuer: string; audience: string; jwks: string; maxAgeSeconds: number | null } | null;
}

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

/**
 * True when verification failed because the key set could not be had (unreachable, not 200,
 * not a JWKS, too slow), not because of the token. Decided by type: jose raises its own
 * error classes for bad tokens and lets the fetch's own errors through.
 */
function isJwksUnavailable(error: unknown): boolean {
  if (!(error instanceof joseErrors.JOSEError)) return true;
  return error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || error.code === joseErrors.JOSEError.code;
}

export interface AuthLog {
  warn(message: string): void;
  info(message: string): void;
}

/** Null when no client auth is configured (the gateway is open, and main.ts warns). */
export function createAuthenticator(config: AuthSettings, log: AuthLog = console): Authenticator | null {
  if (config.apiKeys.length === 0 && !config.jwt) return null;
  const jwt = config.jwt;
  const jwks = jwt ? jwksFrom(jwt.jwks) : null;
  // One line when the JWKS becomes unavailable and one when it is back, not one per request.
  let jwksDown = false;
  const verifyOptions = jwt
    ? {
        issuer: jwt.issuer,
        audience: jwt.audience,
        // A token without exp would be good forever; with a max age it also needs iat.
        requiredClaims: jwt.maxAgeSeconds ? ['exp', 'iat'] : ['exp'],
        ...(jwt.maxAgeSeconds ? { maxTokenAge: jwt.maxAgeSeconds } : {}),
      }
    : undefined;
  return async (request) => {
    const header = request.headers.get('authorization');
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
    const token = bearer ?? request.headers.get('x-api-key') ?? undefined;
    if (!token) return { ok: false, reason: 'missing credentials: send Authorization: Bearer <key or token>' };
    if (config.apiKeys.length > 0 && keyMatches(token, config.apiKeys)) return { ok: true };
    if (jwt && jwks && token.split('.').length === 3) {
      try {
        await jwtVerify(token, jwks, verifyOptions);
        if (jwksDown) {
          jwksDown = false;
          log.info('ticketgraph: the JWKS is available again; client tokens are verified');
        }
        return { ok: true };
      } catch (error) {
        if (isJwksUnavailable(error)) {
          if (!jwksDown) {
            jwksDown = true;
            const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            log.warn(`ticketgraph: the JWKS at ${jwt.jwks} is unavailable (${what}); client tokens are refused until it answers`);
          }
          return { ok: false, reason: 'the token cannot be verified right now' };
        }
        if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'the token has expired' };
        if (error instanceof joseErrors.JWTClaimValidationFailed && (error.claim === 'exp' || error.claim === 'iat')) {
          return { ok: false, reason: jwt.maxAgeSeconds ? 'the token needs exp and iat, and must not be older than the allowed age' : 'the token needs an exp claim' };
        }
        return { ok: false, reason: 'the token is not valid for this API' };
      }
    }
    return { ok: false, reason: 'invalid credentials' };
  };
}

/**
 * Guards every request that gets this far, whatever its path: useRoutes has already refused
 * unknown paths, and what is served without credentials (/health, GraphiQL's page, CORS
 * preflights) was answered before. Matching one pathname here let `/graphql/`, `//graphql`
 * and `/x?y=/graphql` through, because yoga serves GraphQL on every URL ending in the endpoint.
 */
export function useClientAuth(authenticate: Authenticator | null): Plugin {
  // Without client auth no hook at all: an async one costs every request a promise.
  if (!authenticate) return {};
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      const result = await authenticate(request);
      if (result.ok) return;
      // GraphQL over HTTP: a client that accepts application/graphql-response+json (Apollo
      // Client 4) reads the body of a non-2xx answer only under that type.
      const type = (request.headers.get('accept') ?? '').includes('application/graphql-response+json') ? 'application/graphql-response+json' : 'application/json';
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message: `Unauthenticated: ${result.reason}`, extensions: { code: 'UNAUTHENTICATED' } }] }), {
          status: 401,
          headers: { 'content-type': `${type}; charset=utf-8`, 'www-authenticate': 'Bearer' },
        }),
      );
    },
  };
}
