import type { ProviderModule } from '../module.js';
import { HostupV1Provider } from './client-v1.js';
import { HostupV2Provider } from './client-v2.js';
import { readHostupSettings, type HostupSettings } from './settings.js';
import { createHostupSimulator } from './simulator/index.js';

/** Everything ticketgraph knows about Hostup, as the one entry of the provider table. */
export const hostup: ProviderModule<'hostup', HostupSettings> = {
  key: 'hostup',
  readSettings: readHostupSettings,
  // Two API generations, two clients: HOSTUP_API_GENERATION picks one (v2 by default).
  createClient: (settings, deps) => (settings.generation === 'v1' ? new HostupV1Provider(settings, deps) : new HostupV2Provider(settings, deps)),
  createSimulator: createHostupSimulator,
};
