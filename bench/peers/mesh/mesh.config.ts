import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

/*
 * Mesh Compose configuration of the bench peer: one subgraph per provider, each generated
 * from its OpenAPI description in ./openapi, pointed at the running sandbox. The sandbox's
 * base URLs and authentication headers come from SANDBOX_INFO (bench/sandbox-process.ts),
 * set by server.mjs; they end up in the supergraph's @transport directives.
 */

interface ProviderInfo {
  baseUrl: string;
  headers: Record<string, string>;
}
const info = JSON.parse(process.env.SANDBOX_INFO ?? 'null') as { providers: Record<string, ProviderInfo> } | null;
if (!info) throw new Error('mesh.config.ts: SANDBOX_INFO is not set (see server.mjs)');

const subgraph = (name: string, key: string) => {
  const provider = info.providers[key];
  if (!provider) throw new Error(`mesh.config.ts: no ${key} in SANDBOX_INFO`);
  return {
    sourceHandler: loadOpenAPISubgraph(name, {
      source: `./openapi/${key}.yaml`,
      endpoint: provider.baseUrl.replace(/\/+$/, ''),
      operationHeaders: provider.headers,
    }),
  };
};

export const composeConfig = defineConfig({
  subgraphs: [
    subgraph('Spacebring', 'spacebring'),
    subgraph('Moov', 'moov'),
    subgraph('HostUp', 'hostup'),
    subgraph('Zaia', 'zaia'),
    subgraph('Sonzai', 'sonzai'),
  ],
  /*
   * List row -> detail hops. OpenAPI links would attach to an operation's response type,
   * which is the page envelope for four of the five lists, not the row; so the hops are
   * declared here with Mesh's @resolveTo. Moov's message list needs the account, which a
   * row does not carry: the client passes it as an argument.
   */
  additionalTypeDefs: /* GraphQL */ `
    extend type SpacebringTicket {
      detail: SpacebringTicketDetail
        @resolveTo(sourceName: "Spacebring", sourceTypeName: "Query", sourceFieldName: "spacebringTicket",
                   requiredSelectionSet: "{ id }", sourceArgs: { id: "{root.id}" })
    }
    extend type MoovTicket {
      messages(accountID: String!): [MoovMessage]
        @resolveTo(sourceName: "Moov", sourceTypeName: "Query", sourceFieldName: "moovTicketMessages",
                   requiredSelectionSet: "{ ticketID }", sourceArgs: { accountID: "{args.accountID}", ticketID: "{root.ticketID}" })
    }
    extend type HostupTicketSummary {
      detail: HostupTicket
        @resolveTo(sourceName: "HostUp", sourceTypeName: "Query", sourceFieldName: "hostupTicket",
                   requiredSelectionSet: "{ id }", sourceArgs: { id: "{root.id}" })
    }
    extend type SonzaiTicketSummary {
      detail: SonzaiTicketDetail
        @resolveTo(sourceName: "Sonzai", sourceTypeName: "Query", sourceFieldName: "sonzaiTicket",
                   requiredSelectionSet: "{ ticket_id }", sourceArgs: { ticketId: "{root.ticket_id}" })
    }
  `,
});
