import { ConfigError, loadConfig } from '../config.js';
import { PROVIDER_KEYS } from '../model/provider.js';
import { startSandbox } from './index.js';

/** `npm run sandbox`: the five simulators alone, for trying the providers' REST APIs with curl. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`sandbox: invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const sandbox = await startSandbox({ seed: config.sandbox.seed, tickets: config.sandbox.tickets, faults: config.sandbox.faults, providers: PROVIDER_KEYS });
  for (const key of PROVIDER_KEYS) {
    console.log(`${key.padEnd(10)} ${sandbox.url(key)}`);
    // Some providers take alternative credentials (Basic or bearer, v1 or v2): one line each.
    for (const [name, value] of Object.entries(sandbox.credentials(key))) console.log(`           ${name}: ${value}`);
  }
  console.log('\nSend one of the header lines above with curl -H. Admin (each simulator, no auth): GET/DELETE /__sandbox/requests, GET/PUT /__sandbox/faults');
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
