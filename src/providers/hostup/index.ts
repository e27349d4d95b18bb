import type { ProviderModule } from '../module.js';
import { HostupProvider } from './client-v2.js';
import { readHostupSettings, type HostupSettings } from './settings.js';
import { createHostupSimulator } from './simulator/index.js';

/** Everything ticketgraph knows about Hostup, as the one entry of the provider table. */
export const hostup: ProviderModule<'hostup', HostupSettings> = {
  key: 'hostup',
  readSettings: readHostupSettings,
  createClient: (settings, deps) => new HostupProvider(settings, deps),
  createSimulator: createHostupSimulator,
};
