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

/** Replaces every configured credential in a text (log lines, error messages) by `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}
