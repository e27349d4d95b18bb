import { ConfigError, loadConfig } from '../config.js';
import { PROVIDER_KEYS } from '../model/provider.js';
import { writeFileSync } from 'node:fs';
import { startSandbox } from './index.js';
import { formatEnvFile, sandboxLiveEnv } from './live-env.js';

/**
 * `npm run sandbox`: the five simulators alone, for trying the providers' REST APIs with curl.
 * `npm run sandbox -- --write-env FILE` also writes the live-mode environment that points
 * a gateway at them, so several replicas can share one sandbox (`env $(cat FILE | xargs) npm start`).
 */
async function main(): Promise<void> {
  const flag = process.argv.indexOf('--write-env');
  const envFile = flag >= 0 ? process.argv[flag + 1] : undefined;
  if (flag >= 0 && (!envFile || envFile.startsWith('--'))) {
    console.error('sandbox: --write-env needs a file name');
    process.exit(1);
  }
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
  if (envFile) {
    // Credentials in it: readable by the owner only.
    writeFileSync(envFile, formatEnvFile(sandboxLiveEnv(sandbox)), { mode: 0o600 });
    console.log(`\nLive-mode environment for gateways written to ${envFile}: env $(cat ${envFile} | xargs) npm start`);
  }
  console.log('\nSend one of the header lines above with curl -H. Admin (each simulator, no auth): GET/DELETE /__sandbox/requests, GET/PUT /__sandbox/faults');
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
