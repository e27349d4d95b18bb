import type { Plugin } from 'graphql-yoga';
import { handleMoovWebhook, type MoovWebhookDeps } from './moov-webhook.js';

export const MOOV_WEBHOOK_PATH = '/webhooks/moov';
/** Moov's envelopes are a few hundred bytes; anything near this is not one. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

async function readBounded(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `POST /webhooks/moov`: Moov's signed deliveries, outside GraphQL and outside client
 * authentication (Moov proves itself with the signature, not with a client key). Placed
 * before the client-auth plugin so it answers first.
 */
export function useMoovWebhook(deps: MoovWebhookDeps): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== MOOV_WEBHOOK_PATH) return;
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        endResponse(new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }));
      if (request.method !== 'POST') return json(405, { error: 'POST only' }, { allow: 'POST' });
      const body = await readBounded(request, MAX_WEBHOOK_BYTES);
      if (body === null) {
        deps.metrics.webhookDeliveries.inc({ provider: 'moov', outcome: 'malformed' });
        return json(413, { error: 'body too large' });
      }
      const answer = await handleMoovWebhook(request.headers, body, deps);
      return json(answer.status, answer.status < 300 ? { ok: true, outcome: answer.outcome } : { error: answer.message, outcome: answer.outcome });
    },
  };
}
