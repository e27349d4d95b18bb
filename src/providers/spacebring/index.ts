import type { ProviderModule } from '../module.js';
import { SpacebringProvider } from './client.js';
import { readSpacebringSettings, type SpacebringSettings } from './settings.js';
import { createSpacebringSimulator } from './simulator/index.js';

/** Everything ticketgraph knows about Spacebring, as the one entry of the provider table. */
export const spacebring: ProviderModule<'spacebring', SpacebringSettings> = {
  key: 'spacebring',
  readSettings: readSpacebringSettings,
  createClient: (settings, deps) => new SpacebringProvider(settings, deps),
  createSimulator: createSpacebringSimulator,
};
