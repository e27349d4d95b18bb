/**
 * Holds a credential so that logging or serialising a config object cannot leak it:
 * only `reveal()` gives the value, and only the HTTP auth hook calls it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
    knownSecrets.add(value);
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([redacted])';
  }
}

const knownSecrets = new Set<string>();

/**
 * Registers a value derived from credentials (the base64 of a Basic `user:password`), so
 * that redact() knows its encoded form too.
 */
export function registerDerivedSecret(value: string): void {
  knownSecrets.add(value);
}

/**
 * The value of an auth header or field, however it is written: `Authorization: Basic …`,
 * `"x-api-key":"…"`, `authorization=Bearer …`, also inside a JSON string (`\"x-api-key\":\"…\"`,
 * as a log line quotes a message). Catches credentials redact() was never told
 * about (a token a provider handed out, a client's key).
 */
const AUTH_VALUE = /((?:proxy-)?authorization|x-api-key|api[_-]?key|access[_-]?token|client[_-]?secret)(\\?["']?\s*[:=]\s*\\?["']?)(?:(basic|bearer|token)\s+)?([^\s"'\\,;}&]+)/gi;

/** Replaces every known credential and every auth header value in a text (log lines, error messages) by `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out.replace(AUTH_VALUE, (_match, name: string, separator: string, scheme: string | undefined) => `${name}${separator}${scheme ? `${scheme} ` : ''}[redacted]`);
}
