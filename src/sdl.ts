import { printSubgraphSchema } from '@apollo/subgraph';
import { writeFileSync } from 'node:fs';
import { buildASTSchema, Kind, parse, printSchema, visit, type DocumentNode } from 'graphql';
import { createSchema, loadTypeDefs } from './server.js';

/**
 * The public schema as client tooling wants it (relay-compiler, graphql-codegen's client
 * preset, Apollo's and urql's tooling): no `extend schema @link`, no federation directives,
 * no `_entities`/`_service`. Federation's machinery is for gateways; relay-compiler refuses it.
 */
export function clientSdl(): string {
  const document = parse(loadTypeDefs());
  const stripped = visit(document, {
    SchemaExtension: () => null,
    // Only @deprecated is a client-facing directive; the others are federation's.
    Directive: (node) => (node.name.value === 'deprecated' ? undefined : null),
  }) as DocumentNode;
  if (stripped.definitions.some((d) => d.kind === Kind.DIRECTIVE_DEFINITION)) throw new Error('schema.graphql defines directives: decide whether clients see them');
  return printSchema(buildASTSchema(stripped));
}

/**
 * `npm run sdl` prints the subgraph SDL (the subgraph `{ _service { sdl } }` serves, without
 * the federation directive definitions it adds), for rover or a supergraph build;
 * `npm run sdl -- out.graphql` writes it. With `--client` it is the client schema instead
 * (`npm run sdl -- --client schema.client.graphql`, kept fresh by `npm run codegen`).
 */
const args = process.argv.slice(2);
const client = args.includes('--client');
const out = args.find((a) => a !== '--client');
const sdl = client ? `${clientSdl()}\n` : printSubgraphSchema(createSchema());
if (out) writeFileSync(out, sdl);
else process.stdout.write(sdl);
