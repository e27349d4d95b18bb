import type { ProviderModule } from '../module.js';
import { SonzaiProvider } from './client.js';
import { readSonzaiSettings, type SonzaiSettings } from './settings.js';
import { createSonzaiSimulator } from './simulator/index.js';

/** Everything ticketgraph knows about Sonzai, as the one entry of the provider table. */
export const sonzai: ProviderModule<'sonzai', SonzaiSettings> = {
  key: 'sonzai',
  readSettings: readSonzaiSettings,
  createClient: (settings, deps) => new SonzaiProvider(settings, deps),
  createSimulator: createSonzaiSimulator,
};
