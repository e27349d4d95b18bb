import type { Config } from './config.js';
import type { Registry } from './providers/registry.js';
import type { EntityDirectory } from './directory.js';
import type { Loaders } from './loaders/index.js';
import type { Metrics } from './metrics.js';
import type { ProviderOutcomes } from './outcomes.js';

/** Per GraphQL request. The registry is process-wide; loaders and outcomes are per request. */
export interface Context {
  config: Config;
  registry: Registry;
  metrics: Metrics;
  /** Process-wide: what every response showed of each person and tag, merged (directory.ts). */
  directory: EntityDirectory;
  loaders: Loaders;
  /** Each provider's outcome in this request, reported in `extensions.providers`. */
  outcomes: ProviderOutcomes;
  /** Aborts when the client goes away or the operation's deadline passes. */
  signal: AbortSignal;
}
