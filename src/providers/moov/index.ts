import type { ProviderModule } from '../module.js';
import { MoovProvider } from './client.js';
import { readMoovSettings, type MoovSettings } from './settings.js';
import { createMoovSimulator } from './simulator/index.js';

/** Everything ticketgraph knows about Moov, as the one entry of the provider table. */
export const moov: ProviderModule<'moov', MoovSettings> = {
  key: 'moov',
  readSettings: readMoovSettings,
  createClient: (settings, deps) => new MoovProvider(settings, deps),
  createSimulator: createMoovSimulator,
};
