import type { ProviderErrorInfo } from '../../upstream/errors.js';
import { sonzaiErrorSchema } from './wire.js';

const text = (value: string | null | undefined): string | null => (value && value.trim() !== '' ? value : null);

/**
 * Reads problem+json. Huma names request fields `body.title`, `query.page_size`…; the
 * fields come back in our input's names where they are ours, so a 422 points the client at
 * its own argument.
 */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  'body.title': 'title',
  'body.description': 'description',
  'body.type': 'type',
  'body.priority': 'priority',
  'body.content': 'body',
};

export function readSonzaiError(body: unknown): ProviderErrorInfo {
  const parsed = sonzaiErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const problem = parsed.data;
  const info: ProviderErrorInfo = {};
  const details = (problem.errors ?? []).filter((e) => text(e.location) || text(e.message));
  const fields = details.flatMap((e) => (text(e.location) ? [FIELD_NAMES[e.location as string] ?? (e.location as string)] : []));
  if (fields.length > 0) info.fields = fields;
  const messages = details.flatMap((e) => (text(e.message) ? [`${e.location ? `${FIELD_NAMES[e.location] ?? e.location}: ` : ''}${e.message}`] : []));
  const message = [text(problem.detail), ...messages].filter((m): m is string => m !== null).join('; ');
  if (message) info.message = message;
  return info;
}
