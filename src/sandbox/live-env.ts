import type { ProviderSettingsMap } from '../providers/index.js';
import type { ProviderKey } from '../model/provider.js';
import type { Sandbox } from './index.js';

/**
 * The variables config.ts reads for live mode, from the sandbox's settings (credentials
 * revealed): what points a gateway — or several replicas — at one running sandbox.
 */
export function liveEnv(settings: { [K in ProviderKey]?: ProviderSettingsMap[K] }): Record<string, string> {
  const env: Record<string, string> = {};
  const sb = settings.spacebring;
  if (sb) {
    env.SPACEBRING_BASE_URL = sb.baseUrl;
    env.SPACEBRING_LOCATION_REFS = sb.locationRefs.join(',');
    if (sb.auth.kind === 'oauth') {
      env.SPACEBRING_ACCESS_TOKEN = sb.auth.accessToken.reveal();
      env.SPACEBRING_NETWORK_ID = sb.auth.networkId;
    } else {
      env.SPACEBRING_CLIENT_ID = sb.auth.clientId.reveal();
      env.SPACEBRING_CLIENT_SECRET = sb.auth.clientSecret.reveal();
    }
  }
  const moov = settings.moov;
  if (moov) {
    env.MOOV_BASE_URL = moov.baseUrl;
    env.MOOV_ACCOUNT_IDS = moov.accountIds.join(',');
    env.MOOV_API_VERSION = moov.apiVersion;
    if (moov.auth.kind === 'basic') {
      env.MOOV_PUBLIC_KEY = moov.auth.publicKey.reveal();
      env.MOOV_SECRET_KEY = moov.auth.secretKey.reveal();
    } else env.MOOV_ACCESS_TOKEN = moov.auth.token.reveal();
  }
  if (settings.hostup) {
    env.HOSTUP_BASE_URL = settings.hostup.baseUrl;
    env.HOSTUP_API_KEY = settings.hostup.apiKey.reveal();
    env.HOSTUP_API_GENERATION = settings.hostup.generation;
  }
  if (settings.zaia) {
    env.ZAIA_BASE_URL = settings.zaia.baseUrl;
    env.ZAIA_API_KEY = settings.zaia.apiKey.reveal();
    if (settings.zaia.actingUserId) env.ZAIA_USER_ID = settings.zaia.actingUserId;
  }
  if (settings.sonzai) {
    env.SONZAI_BASE_URL = settings.sonzai.baseUrl;
    env.SONZAI_TOKEN = settings.sonzai.token.reveal();
  }
  return env;
}

/** The live-mode environment of every provider the sandbox runs. */
export function sandboxLiveEnv(sandbox: Sandbox): Record<string, string> {
  return liveEnv(Object.fromEntries(sandbox.providers.map((key) => [key, sandbox.settings(key)])));
}

/** `KEY=value` lines; values never need quoting here (URLs, ids, tokens, comma lists). */
export function formatEnvFile(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}
