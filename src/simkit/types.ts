import type { SimulatorDefinition } from './server.js';
import type { createPeople } from './people.js';

export interface SimulatorOptions {
  seed: number;
  /** Tickets to generate (up to 100,000 for benchmarks: keep generation linear and lazy where it can be). */
  tickets: number;
  people: ReturnType<typeof createPeople>;
}

/** What each provider's simulator module gives the sandbox. */
export interface SandboxProvider<S> {
  definition: SimulatorDefinition;
  /** Settings that point the real datasource at this simulator (with the sandbox's credentials). */
  settings(baseUrl: string): S;
  /** Printed by `npm run sandbox` for trying the API with curl (header name → value). */
  credentials: Record<string, string>;
}
