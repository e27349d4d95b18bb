import type { SimulatorDefinition } from './server.js';
import type { createPeople } from './people.js';

export interface SimulatorOptions {
  seed: number;
  /** Tickets to generate (up to 100,000 for benchmarks: keep generation linear and lazy where it can be). */
  tickets: number;
  people: ReturnType<typeof createPeople>;
  /** Where a seed leaves a choice open, the one form the simulator speaks (each defaults to the seed's). */
  forms?: SimulatorForms | undefined;
}

/**
 * Forms a simulator can be run in (issue 17): a simulator that accepted every guess could not
 * catch a wrong one, so it speaks exactly one, and the contract tests run against each.
 */
export interface SimulatorForms {
  /** Zaia's `authorization` value: the bare API key (the seed's words) or `Bearer <key>`. @default 'raw' */
  zaiaAuth?: 'raw' | 'bearer';
  /** Sonzai's list paging: `limit`+`offset` (the seed's) or an opaque cursor. @default 'offset' */
  sonzaiPaging?: 'offset' | 'cursor';
}

/** What each provider's simulator module gives the sandbox. */
export interface SandboxProvider<S> {
  definition: SimulatorDefinition;
  /** Settings that point the real datasource at this simulator (with the sandbox's credentials). */
  settings(baseUrl: string): S;
  /** Printed by `npm run sandbox` for trying the API with curl (header name → value). */
  credentials: Record<string, string>;
}
