import http from 'node:http';
import https from 'node:https';

/**
 * A `fetch` over node:http with keep-alive agents, for ky's `fetch` option: ky keeps its
 * hooks, retries and timeouts, and the upstream call skips undici's web-streams machinery,
 * which dominated the gateway's CPU profile per upstream call. Bodies are buffered whole:
 * provider payloads are JSON documents, never streams.
 */
export function createNodeHttpFetch(options: { maxSockets?: number } = {}): typeof globalThis.fetch {
  const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: options.maxSockets ?? 256, maxFreeSockets: 64 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (body) headers['content-length'] = String(body.length);
    const isHttps = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      const req = (isHttps ? https : http).request(
        url,
        { method: request.method, headers, agent: isHttps ? httpsAgent : httpAgent, signal: request.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
              else if (value !== undefined) responseHeaders.set(name, value);
            }
            const status = res.statusCode ?? 502;
            const nullBody = status === 204 || status === 205 || status === 304 || request.method === 'HEAD';
            resolve(
              new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}
