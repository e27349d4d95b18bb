import { createHmac, randomUUID } from 'node:crypto';

/** The three ticket events Moov documents; `data` as its docs list it. */
export type MoovWebhookEvent =
  | { type: 'ticket.created'; data: { accountID: string; ticketID: string; foreignID?: string } }
  | { type: 'ticket.updated'; data: { accountID: string; ticketID: string; foreignID?: string; status: string } }
  | { type: 'ticket.messageAdded'; data: { accountID: string; ticketID: string; foreignID?: string } };

export interface MoovWebhookEndpoint {
  url: string;
  secret: string;
}

/**
 * Signs `{X-Timestamp}|{X-Nonce}|{X-Webhook-ID}` with HMAC-SHA512 and hex-encodes it, as
 * Moov's "Check webhook signatures" guide describes. The body is not part of what is signed.
 */
export function signMoovWebhook(secret: string, timestamp: string, nonce: string, webhookID: string): string {
  return createHmac('sha512', secret).update(`${timestamp}|${nonce}|${webhookID}`, 'utf8').digest('hex');
}

const MAX_ATTEMPTS = 6;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delivers the simulator's ticket events to the endpoint registered through
 * `PUT /__sandbox/webhooks`. Each attempt is a new signed delivery (new timestamp and
 * nonce) of the same event (same eventID); a non-2xx answer or a network failure is tried
 * again with a growing delay, up to six attempts. Moov documents no retry schedule: this
 * one is the simulator's own.
 */
export class MoovWebhookSender {
  #endpoint: MoovWebhookEndpoint | null = null;
  readonly #webhookID = randomUUID();
  readonly #pending = new Set<Promise<void>>();
  #closed = false;
  /** Outcomes, for the admin API and tests. */
  readonly stats = { delivered: 0, attempts: 0, failed: 0 };

  register(endpoint: MoovWebhookEndpoint | null): void {
    this.#endpoint = endpoint;
  }

  get endpoint(): MoovWebhookEndpoint | null {
    return this.#endpoint;
  }

  emit(event: MoovWebhookEvent): void {
    if (!this.#endpoint || this.#closed) return;
    const envelope = { eventID: randomUUID(), type: event.type, data: event.data, createdOn: new Date().toISOString() };
    const delivery = this.#deliver(JSON.stringify(envelope)).finally(() => this.#pending.delete(delivery));
    this.#pending.add(delivery);
  }

  async #deliver(body: string): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.#closed; attempt++) {
      // Each attempt goes to the endpoint registered now, signed with its current secret.
      const endpoint = this.#endpoint;
      if (!endpoint) break;
      this.stats.attempts++;
      // Moov does not document X-Timestamp's format; RFC 3339 is what its API uses elsewhere (inferred).
      const timestamp = new Date().toISOString();
      const nonce = randomUUID();
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-timestamp': timestamp,
            'x-nonce': nonce,
            'x-webhook-id': this.#webhookID,
            'x-signature': signMoovWebhook(endpoint.secret, timestamp, nonce, this.#webhookID),
          },
          body,
          signal: AbortSignal.timeout(5000),
        });
        await response.body?.cancel();
        if (response.ok) {
          this.stats.delivered++;
          return;
        }
      } catch {
        // Connection refused or timed out: tried again below.
      }
      await sleep(Math.min(50 * 2 ** attempt, 2000));
    }
    this.stats.failed++;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
  }
}

/**
 * Points a running Moov simulator's webhooks at `endpoint` (its `PUT /__sandbox/webhooks`), as
 * a Moov user does in the Dashboard. True when the simulator took it.
 */
export async function registerSandboxWebhook(simulatorUrl: string, endpoint: MoovWebhookEndpoint): Promise<boolean> {
  const response = await fetch(`${simulatorUrl}/__sandbox/webhooks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(endpoint),
  });
  await response.body?.cancel();
  return response.ok;
}
