import type { ProviderErrorInfo } from '../../upstream/errors.js';

/** Moov's request field names → the CreateTicketInput / mutation argument names. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  title: 'title',
  body: 'description',
  'contact.email': 'requesterEmail',
  'contact.name': 'requesterName',
  status: 'status',
};

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Reads Moov error bodies: `{error}` (400/409), or a 422 that mirrors the request with a
 * message per field (`{title: "…", contact: {email: "…"}}`). Fields come back in our
 * input's names; fields we never send keep Moov's path.
 */
export function readMoovError(body: unknown): ProviderErrorInfo {
  const record = asRecord(body);
  if (!record) return {};
  if (typeof record.error === 'string') return { message: record.error };
  const fields: string[] = [];
  const messages: string[] = [];
  const walk = (value: Record<string, unknown>, prefix: string) => {
    for (const [key, item] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const nested = asRecord(item);
      if (nested) walk(nested, path);
      else if (typeof item === 'string') {
        const field = FIELD_NAMES[path] ?? path;
        fields.push(field);
        messages.push(`${field}: ${item}`);
      }
    }
  };
  walk(record, '');
  return fields.length > 0 ? { fields, message: messages.join('; ') } : {};
}
