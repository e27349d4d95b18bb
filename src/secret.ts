import { inspect } from 'node:util';

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
 * `"x-api-key":"…"`, `authorization=Bearer …`. Catches credentials redact() was never told
 * about (a token a provider handed out, a client's key).
 */
const AUTH_VALUE = /((?:proxy-)?authorization|x-api-key|api[_-]?key|access[_-]?token|client[_-]?secret)(["']?\s*[:=]\s*["']?)(?:(basic|bearer|token)\s+)?([^\s"',;}&]+)/gi;

/** Replaces every known credential and every auth header value in a text (log lines, error messages) by `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out.replace(AUTH_VALUE, (_match, name: string, separator: string, scheme: string | undefined) => `${name}${separator}${scheme ? `${scheme} ` : ''}[redacted]`);
}

type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * A logger in yoga's shape whose every line goes through redact(): what yoga or a plugin
 * logs (a failed request, an error's stack) may quote headers or a provider's answer.
 */
export function createRedactingLogger(level: LogLevel, sink: Pick<Console, LogLevel> = console): Record<LogLevel, (...args: unknown[]) => void> {
  const format = (arg: unknown): unknown => {
    if (typeof arg === 'string') return redact(arg);
    if (arg instanceof Error) return redact(arg.stack ?? `${arg.name}: ${arg.message}`);
    if (arg && typeof arg === 'object') return redact(inspect(arg, { depth: 6, breakLength: Infinity }));
    return arg;
  };
  const at = LEVELS.indexOf(level);
  const entry = (name: LogLevel) => (LEVELS.indexOf(name) >= at ? (...args: unknown[]) => sink[name](...args.map(format)) : () => {});
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
}

/**
 * yoga's logger: as createRedactingLogger, except that yoga logs every error it masks at
 * `error` level with its stack, and most are the client's (a bad id, an unknown ticket).
 * Those go to `debug`, one line each; the rest stay at `error` with their stack.
 */
export function createServerLogger(
  level: LogLevel,
  clientErrorCode: (error: unknown) => string | null,
  sink: Pick<Console, LogLevel> = console,
): Record<LogLevel, (...args: unknown[]) => void> {
  const log = createRedactingLogger(level, sink);
  return {
    ...log,
    error: (...args: unknown[]) => {
      const [first] = args;
      const code = args.length === 1 ? clientErrorCode(first) : null;
      if (code !== null) {
        log.debug(`ticketgraph: client error ${code}: ${first instanceof Error ? first.message : String(first)}`);
        return;
      }
      log.error(...args);
    },
  };
}
