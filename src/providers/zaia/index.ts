import type { ProviderModule } from '../module.js';
import { ZaiaProvider } from './client.js';
import { readZaiaSettings, type ZaiaSettings } from './settings.js';
import { createZaiaSimulator } from './simulator/index.js';

/** Everything ticketgraph knows about Zaia, as the one entry of the provider table. */
export const zaia: ProviderModule<'zaia', ZaiaSettings> = {
  key: 'zaia',
  readSettings: readZaiaSettings,
  createClient: (settings, deps) => new ZaiaProvider(settings, deps),
  createSimulator: createZaiaSimulator,
};
