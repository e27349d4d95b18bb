import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { describeSupergraph, type GatewayResult, type RunningGateway } from './suite.js';

/** Hive Gateway's runtime with the composed supergraph SDL, called through its fetch (no port). */
async function startHiveGateway(supergraphSdl: string): Promise<RunningGateway> {
  const gateway = createGatewayRuntime({ supergraph: supergraphSdl, logging: false });
  return {
    async execute<T>(query: string) {
      const response = await gateway.fetch('http://hive-gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as GatewayResult<T>;
    },
    close: async () => {
      await gateway.dispose();
    },
  };
}

describeSupergraph('Hive Gateway (@graphql-hive/gateway-runtime)', startHiveGateway, { entityErrorPaths: 'per-field' });
