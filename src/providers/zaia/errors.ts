import { UpstreamError, type ProviderErrorInfo } from '../../upstream/errors.js';
import type { ZaiaStatusValues } from './settings.js';
import { zaiaErrorSchema } from './wire.js';

/** The assumed NestJS-style error body; `message` may be a list of validation messages. */
export function readZaiaError(body: unknown): ProviderErrorInfo {
  const parsed = zaiaErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const { message } = parsed.data;
  return { message: Array.isArray(message) ? message.join('; ') : message };
}

/**
 * Zaia's status values are inferred (the seed lists none), and the list and create both send
 * one. When Zaia refuses such a call as invalid (400/422), the status is the first suspect:
 * the error keeps its code and Zaia's own message, and names the setting that fixes it. Which
 * parameter Zaia objected to is only in its free text, which we do not parse: the message
 * says "if".
 */
export function explainRefusedStatus(error: unknown, operation: string, status: string, values: Readonly<ZaiaStatusValues>): unknown {
  if (!(error instanceof UpstreamError) || error.code !== 'BAD_USER_INPUT') return error;
  const current = [values.open, values.ongoing, values.completed].join(',');
  const message =
    `${error.message} — the request carried status "${status}"; Zaia's status values are inferred, not documented: ` +
    `if Zaia refused the status, set ZAIA_STATUS_VALUES to the workspace's values for open, ongoing and completed (now ${current})`;
  const explained = new UpstreamError(
    error.code,
    message,
    {
      provider: error.provider,
      operation,
      status: error.status,
      requestId: typeof error.extensions.requestId === 'string' ? error.extensions.requestId : undefined,
      fields: Array.isArray(error.extensions.fields) ? (error.extensions.fields as readonly string[]) : undefined,
    },
    { cause: error },
  );
  explained.extensions.setting = 'ZAIA_STATUS_VALUES';
  return explained;
}
