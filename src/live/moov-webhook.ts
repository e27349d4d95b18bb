import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Registry } from '../providers/registry.js';
import { isUpstreamError } from '../upstream/errors.js';
import { READ_THROUGH } from '../upstream/provider.js';
import type { Metrics } from '../metrics.js';
import type { Secret } from '../secret.js';
import type { TicketChangeKind } from './events.js';
import type { LiveHub } from './hub.js';

/*
 * Moov webhooks, as Moov's "Check webhook signatures" guide documents them [doc]: every
 * delivery carries X-Timestamp, X-Nonce, X-Webhook-ID and X-Signature; the signature is the
 * hex HMAC-SHA512, keyed with the webhook's signing secret, of
 * `{X-Timestamp}|{X-Nonce}|{X-Webhook-ID}`; a mismatch is answered 4xx and not processed.
 * The envelope `{eventID, type, data, createdOn}` and the ticket events are documented too.
 *
 * Inferred, not documented: X-Timestamp's format (accepted as RFC 3339, Unix seconds or Unix
 * milliseconds), how old a delivery may be (MOOV_WEBHOOK_TOLERANCE_MS, 5 minutes), and
 * whether a retry reuses its nonce (a seen nonce is refused; the eventID is what dedupes).
 *
 * The signature does not cover the body, so the body is only trusted for ids: the ticket
 * itself is read back from Moov's API before anything is announced.
 */

export const moovWebhookEnvelopeSchema = z.object({
  eventID: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
  createdOn: z.string(),
});

const moovTicketEventDataSchema = z.object({
  accountID: z.string().min(1).max(200),
  ticketID: z.string().min(1).max(200),
  status: z.string().optional(),
});

export type WebhookOutcome = 'accepted' | 'duplicate' | 'ignored' | 'forged' | 'stale' | 'replayed' | 'malformed' | 'failed';

export interface WebhookAnswer {
  status: number;
  outcome: WebhookOutcome;
  message: string;
}

export function signMoov(secret: string, timestamp: string, nonce: string, webhookID: string): string {
  return createHmac('sha512', secret).update(`${timestamp}|${nonce}|${webhookID}`, 'utf8').digest('hex');
}

/** Epoch ms of an X-Timestamp, or null when it is none of the accepted forms. */
export function parseMoovTimestamp(value: string): number | null {
  if (/^\d{1,13}$/.test(value)) {
    const n = Number(value);
    return value.length > 10 ? n : n * 1000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function signatureMatches(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-f]+$/i.test(givenHex)) return false;
  const expected = Buffer.from(expectedHex, 'hex');
  const given = Buffer.from(givenHex, 'hex');
  return given.length === expected.length && timingSafeEqual(expected, given);
}

const KIND_OF_EVENT: Record<string, TicketChangeKind> = {
  'ticket.created': 'CREATED',
  'ticket.messageAdded': 'COMMENTED',
};

export interface MoovWebhookDeps {
  secret: Secret;
  toleranceMs: number;
  registry: Registry;
  live: LiveHub;
  metrics: Metrics;
  now?: () => number;
}

/** Checks one delivery and, when it is genuine and new, announces the change it reports. */
export async function handleMoovWebhook(headers: Headers, bodyText: string, deps: MoovWebhookDeps): Promise<WebhookAnswer> {
  const answer = (status: number, outcome: WebhookOutcome, message: string): WebhookAnswer => {
    deps.metrics.webhookDeliveries.inc({ provider: 'moov', outcome });
    return { status, outcome, message };
  };
  const timestamp = headers.get('x-timestamp');
  const nonce = headers.get('x-nonce');
  const webhookID = headers.get('x-webhook-id');
  const signature = headers.get('x-signature');
  if (!timestamp || !nonce || !webhookID || !signature) return answer(400, 'forged', 'missing X-Timestamp, X-Nonce, X-Webhook-ID or X-Signature');
  if (!signatureMatches(signMoov(deps.secret.reveal(), timestamp, nonce, webhookID), signature)) return answer(401, 'forged', 'signature does not match');

  const sentAt = parseMoovTimestamp(timestamp);
  const now = (deps.now ?? Date.now)();
  if (sentAt === null || Math.abs(now - sentAt) > deps.toleranceMs) return answer(400, 'stale', 'X-Timestamp is outside the accepted window');
  // A signed header set seen before is a replay, whatever body comes with it (the body is not signed).
  if (!(await deps.live.state.claim(`moov:nonce:${webhookID}:${nonce}`, 2 * deps.toleranceMs))) return answer(409, 'replayed', 'this nonce was seen before');

  let envelope: z.infer<typeof moovWebhookEnvelopeSchema>;
  try {
    const parsed = moovWebhookEnvelopeSchema.safeParse(JSON.parse(bodyText) as unknown);
    if (!parsed.success) return answer(400, 'malformed', 'not a Moov event envelope');
    envelope = parsed.data;
  } catch {
    return answer(400, 'malformed', 'body is not JSON');
  }
  if (!envelope.type.startsWith('ticket.')) return answer(200, 'ignored', `${envelope.type} is not a ticket event`);
  const data = moovTicketEventDataSchema.safeParse(envelope.data);
  if (!data.success) return answer(400, 'malformed', 'a ticket event needs data.accountID and data.ticketID');

  // The event id dedupes across replicas (one delivery may be retried to another replica).
  const eventKey = `moov:event:${envelope.eventID}`;
  if (!(await deps.live.state.claim(eventKey, 24 * 3600 * 1000))) return answer(409, 'duplicate', 'this event was handled before');
  const provider = deps.registry.has('moov') ? deps.registry.get('moov') : null;
  if (!provider) return answer(200, 'ignored', 'moov is not served here');
  try {
    const nativeId = `${data.data.accountID}/${data.data.ticketID}`;
    const signal = AbortSignal.timeout(10_000);
    const ticket = await provider.getTicket(nativeId, { signal, cache: READ_THROUGH });
    const kind = KIND_OF_EVENT[envelope.type] ?? (data.data.status !== undefined ? 'STATUS_CHANGED' : 'UPDATED');
    let activity = null;
    if (kind === 'COMMENTED' && provider.listActivities) {
      const timeline = await provider.listActivities(ticket, { signal, cache: READ_THROUGH });
      activity = timeline.filter((a) => a.kind === 'COMMENT').at(-1) ?? null;
    }
    const occurredAt = new Date(envelope.createdOn);
    await deps.live.publish({
      eventId: eventKey,
      kind,
      source: 'WEBHOOK',
      ticket,
      activity,
      occurredAt: Number.isNaN(occurredAt.getTime()) ? new Date(now) : occurredAt,
    });
    return answer(200, 'accepted', 'ok');
  } catch (error) {
    // A ticket Moov no longer knows (or an account not ours) will not come back: no retry wanted.
    if (isUpstreamError(error) && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return answer(200, 'ignored', 'ticket not readable');
    // Anything else: let Moov retry this event (the claim is dropped so the retry is not a duplicate).
    await deps.live.state.forget(eventKey);
    return answer(503, 'failed', 'could not read the ticket; retry later');
  }
}
