import type { PeerContext, Implementation } from '../../run.js';
import type { Service } from '../../lib.js';
import { graphqlTarget, parseJsonLine } from '../../lib.js';
import { FEED_QUERY, TICKET_QUERY } from '../../queries.js';

/** How `npm run bench` starts and drives this peer (its dependencies: `npm install` here). */
export async function createPeer(ctx: PeerContext): Promise<{ service: Service; impl: Implementation }> {
  const { service, value } = await ctx.startService<{ url: string }>('apollo-rest', process.execPath, ['server.mjs'], {
    cwd: ctx.dir,
    env: { NODE_ENV: 'production', SANDBOX_INFO: JSON.stringify(ctx.info) },
    ready: (line) => parseJsonLine<{ url: string }>(line),
  });
  const url = value.url;
  return {
    service,
    impl: {
      name: 'Apollo Server 5 + RESTDataSource',
      pid: service.pid,
      check: ctx.graphqlCheck({
        ticket: (d) => (d?.ticket?.id === ctx.oneTicket.id && d.ticket.requester ? null : 'wrong ticket or no requester'),
        feed: ctx.expectFeed(50),
        feedLatency: ctx.expectFeed(50),
      }),
      targets: {
        ticket: graphqlTarget(url, TICKET_QUERY, { id: ctx.oneTicket.id }),
        feed: graphqlTarget(url, FEED_QUERY, { first: 50 }),
        feedLatency: graphqlTarget(url, FEED_QUERY, { first: 50 }),
      },
    },
  };
}
