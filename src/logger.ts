import { inspect } from 'node:util';
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Level, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { currentScope } from './request-context.js';
import { redact } from './secret.js';

export type { Logger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines (development) instead of JSON lines. */
  pretty: boolean;
  /** Receives each finished line, already redacted. @default process.stdout */
  write?: ((line: string) => void) | undefined;
}

/**
 * The process's logger: pino, one JSON object per line. Every line goes through redact()
 * as text after serialisation, whatever field it sits in (an error's stack, a quoted
 * header, a provider's message), so redaction stays as strict as the text logger was; the
 * `redact` paths below also censor auth headers of any object that is logged whole.
 */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const prettify = options.pretty ? prettyFactory({ colorize: false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) : undefined;
  const destination: DestinationStream = {
    write(line: string) {
      const safe = redact(line);
      write(prettify ? prettify(safe) : safe);
    },
  };
  return pino(
    {
      level: options.level,
      base: { service: 'ticketgraph' },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      redact: {
        paths: [
          'headers.authorization',
          'headers["x-api-key"]',
          'headers.cookie',
          '*.headers.authorization',
          '*.headers["x-api-key"]',
          '*.headers.cookie',
          'authorization',
          'password',
          'token',
          'secret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

type YogaLevel = 'debug' | 'info' | 'warn' | 'error';
export type YogaLogger = Record<YogaLevel, (...args: unknown[]) => void>;

/**
 * What yoga logs, in pino: inside a request through that request's child logger, so its
 * lines carry the request id too. yoga logs every error it masks at `error` with its stack,
 * and most are the client's (a bad id, an unknown ticket): those go to `debug`, one line
 * each (`clientErrorCode` tells them apart); the rest stay at `error` with their stack.
 */
export function yogaLogger(base: Logger, clientErrorCode: (error: unknown) => string | null = () => null): YogaLogger {
  // Levels asked of the base logger: a request's child logger has its level, and yoga logs
  // at debug several times per request, which must not make the child when debug is off.
  const entry =
    (level: YogaLevel & Level) =>
    (...args: unknown[]) => {
      if (level === 'error' && args.length === 1) {
        const code = clientErrorCode(args[0]);
        if (code !== null) {
          if (base.isLevelEnabled('debug')) (currentScope()?.log ?? base).debug({ code }, `client error ${code}: ${args[0] instanceof Error ? args[0].message : String(args[0])}`);
          return;
        }
      }
      if (!base.isLevelEnabled(level)) return;
      const logger = currentScope()?.log ?? base;
      const err = args.find((arg): arg is Error => arg instanceof Error);
      const msg = args
        .filter((arg) => arg !== err)
        .map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 6, breakLength: Infinity })))
        .join(' ');
      if (err) logger[level]({ err }, msg || err.message);
      else logger[level](msg);
    };
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
}

/** The logger of the request being served, for code below yoga (masked errors); null outside a request. */
export function requestLogger(): Logger | null {
  return currentScope()?.log ?? null;
}
