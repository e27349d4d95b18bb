import http from 'node:http';
import https from 'node:https';

/**
 * A `fetch` over node:http with keep-alive agents, for ky's `fetch` option: ky keeps its
 * hooks, retries and timeouts, and the upstream call skips undici's web-streams machinery,
 * which dominated the gateway's CPU profile per upstream call. Bodies are buffered whole:
 * provider payloads are JSON documents, never streams. Failures look like Node's fetch,
 * so ky and fromKyError read them the same either way: `TypeError('fetch failed', { cause })`
 * for the socket, the signal's reason (AbortError, TimeoutError) for an abort.
 */
export function createNodeHttpFetch(options: { maxSockets?: number; maxFreeSockets?: number } = {}): typeof globalThis.fetch {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    maxFreeSockets: options.maxFreeSockets ?? 64,
    // The warmest socket first: idle ones then time out instead of all staying half-used.
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  return async (input, init) => {
    // ky hands over its finished Request, plus as `init` only the options a Request does not
    // know (none here): rebuilding the Request from them would cost a copy per call.
    const request = input instanceof Request ? input : new Request(input, init);
    const signal = request.signal;
    if (signal.aborted) throw signal.reason;
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const secure = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          agent: secure ? httpsAgent : httpAgent,
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            signal.removeEventListener('abort', onAbort);
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
              else if (value !== undefined) responseHeaders.set(name, value);
            }
            const status = res.statusCode ?? 502;
            const nullBody = status === 204 || status === 205 || status === 304 || request.method === 'HEAD';
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
          });
        },
      );
      function fail(error: Error) {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      }
      function onAbort() {
        req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      }
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.end(body);
    });
  };
}
