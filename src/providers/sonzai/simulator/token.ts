import { createHmac, timingSafeEqual } from 'node:crypto';
import { Random, SANDBOX_EPOCH } from '../../../simkit/random.js';
import type { SimUser } from './data.js';

/*
 * Sandbox session tokens: JWT-shaped (header.payload.signature, base64url), HS256 over a
 * seed-derived key, so the simulator can tell its own tokens from anything else, and a
 * restarted sandbox accepts the same ones. Real Clerk tokens are RS256; the shape is what
 * matters to the client.
 */
export interface SonzaiClaims {
  sub: string;
  tenant_id: string;
  sid: string;
  iss: string;
  iat: number;
  exp: number;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const signingKey = (seed: number) => `sonzai-sandbox-${seed}-${new Random(seed).fork('sonzai-jwt').uuid()}`;
const sign = (seed: number, data: string) => createHmac('sha256', signingKey(seed)).update(data).digest();

export function issueSonzaiToken(seed: number, user: SimUser): string {
  if (!user.tenantId) throw new Error('sonzai simulator: staff have no dashboard session');
  const header = { alg: 'HS256', typ: 'JWT', kid: 'sandbox' };
  const claims: SonzaiClaims = {
    sub: user.id,
    tenant_id: user.tenantId,
    sid: `sess_${user.id.slice('user_'.length)}`,
    iss: 'https://clerk.sandbox.sonz.ai',
    iat: Math.floor(SANDBOX_EPOCH / 1000),
    // Far ahead: sandbox sessions do not expire during a run.
    exp: Math.floor(SANDBOX_EPOCH / 1000) + 3650 * 86_400,
  };
  const data = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${data}.${b64url(sign(seed, data))}`;
}

/** The claims of a valid sandbox token, or null (wrong shape, bad signature, expired, claims missing). */
export function verifySonzaiToken(seed: number, token: string): SonzaiClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = sign(seed, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<SonzaiClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.tenant_id !== 'string') return null;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return null;
    return claims as SonzaiClaims;
  } catch {
    return null;
  }
}
