import type { ProviderErrorInfo } from '../../upstream/errors.js';
import { spacebringErrorSchema } from './wire.js';

export function readSpacebringError(body: unknown): ProviderErrorInfo {
  const parsed = spacebringErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const fields = parsed.data.issues?.flatMap((issue) => (issue.path?.length ? [issue.path.join('.')] : []));
  return { message: parsed.data.message, fields: fields?.length ? fields : undefined };
}
