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
    const headers = Object.entries(sandbox.credentials(key)).map(([name, value]) => `-H '${name}: ${value}'`).join(' ');
    console.log(`${key.padEnd(10)} ${sandbox.url(key)}\n           curl ${headers} ${sandbox.url(key)}/...`);
  }
  console.log('\nAdmin (each simulator): GET/DELETE /__sandbox/requests, GET/PUT /__sandbox/faults');
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
