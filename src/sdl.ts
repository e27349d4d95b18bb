import { printSubgraphSchema } from '@apollo/subgraph';
import { writeFileSync } from 'node:fs';
import { createSchema } from './server.js';

/**
 * Prints the subgraph SDL (the subgraph `{ _service { sdl } }` serves, without the federation
 * directive definitions it adds), for rover or a
 * supergraph build: `npm run sdl` (stdout) or `npm run sdl -- out.graphql`.
 */
const sdl = printSubgraphSchema(createSchema());
const out = process.argv[2];
if (out) writeFileSync(out, sdl);
else process.stdout.write(sdl);
