import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface RecordingUpstream {
  url: string;
  calls: RecordedCall[];
  /** Holds every request from now on until the returned release() is called. */
  hold(): () => void;
  /** Resolves when the next request arrives. */
  nextCall(): Promise<RecordedCall>;
  close(): Promise<void>;
}

/**
 * A provider as seen from the wire: records each request's headers, then forwards it to
 * `target` (a sandbox simulator) and relays the answer, so the datasource reads real payloads.
 */
export async function startRecordingUpstream(target: string): Promise<RecordingUpstream> {
  const calls: RecordedCall[] = [];
  const base = target.replace(/\/+$/, '');
  let gate: Promise<void> = Promise.resolve();
  let waiters: ((call: RecordedCall) => void)[] = [];
  const server = createServer((req, res) => {
    const call = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    calls.push(call);
    for (const waiter of waiters) waiter(call);
    waiters = [];
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on(
      'end',
      () =>
        void gate.then(() => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(req.headers)) {
            if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
            headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
          fetch(`${base}${req.url ?? '/'}`, { method: req.method, headers, body })
            .then(async (answer) => {
              const text = await answer.text();
              const relayed: Record<string, string> = {};
              for (const name of ['content-type', 'retry-after', 'x-request-id']) {
                const value = answer.headers.get(name);
                if (value !== null) relayed[name] = value;
              }
              res.writeHead(answer.status, relayed).end(text);
            })
            .catch(() => res.writeHead(502).end());
        }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    nextCall: () => new Promise<RecordedCall>((resolve) => waiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
