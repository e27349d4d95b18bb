import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

interface Page {
  html: string;
  gzip: Uint8Array<ArrayBuffer>;
  etag: string;
}

/**
 * GraphiQL on GET <endpoint> with `Accept: text/html`, in place of yoga's own. The page is
 * 9 MB (the bundle is inlined so it works offline), so it is rendered once, gzipped once
 * (2.4 MB), and answered with an ETag and a Cache-Control that let a browser keep it: a
 * reload costs a 304. @graphql-yoga/render-graphiql is imported on the first page request
 * only: a server that never serves the page (production, by default) never loads its
 * 33 MB of JavaScript.
 */
export function useGraphiQL(options: { endpoint: string; title: string; defaultQuery?: string; defaultTabs?: { query: string }[] }): Plugin {
  let page: Promise<Page> | undefined;
  const render = async (): Promise<Page> => {
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    const html = renderGraphiQL({ title: options.title, defaultQuery: options.defaultQuery, defaultTabs: options.defaultTabs });
    return { html, gzip: new Uint8Array(gzipSync(html)), etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"` };
  };
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || url.pathname !== options.endpoint || !(request.headers.get('accept') ?? '').includes('text/html')) return;
      page ??= render();
      const { html, gzip, etag } = await page;
      const headers: Record<string, string> = {
        'content-type': 'text/html; charset=utf-8',
        etag,
        // A day in the browser, then a revalidation that costs a 304 until the page changes.
        'cache-control': 'public, max-age=86400',
        vary: 'Accept-Encoding',
      };
      if ((request.headers.get('if-none-match') ?? '').split(',').some((tag) => tag.trim() === etag)) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      if (/\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')) {
        endResponse(new fetchAPI.Response(gzip, { status: 200, headers: { ...headers, 'content-encoding': 'gzip' } }));
        return;
      }
      endResponse(new fetchAPI.Response(html, { status: 200, headers }));
    },
  };
}
