import type { ProviderErrorInfo } from '../../upstream/errors.js';
import { zaiaErrorSchema } from './wire.js';

/** The assumed NestJS-style error body; `message` may be a list of validation messages. */
export function readZaiaError(body: unknown): ProviderErrorInfo {
  const parsed = zaiaErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const { message } = parsed.data;
  return { message: Array.isArray(message) ? message.join('; ') : message };
}
