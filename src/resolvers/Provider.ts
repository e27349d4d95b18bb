import { toProviderEnum } from '../model/provider.js';
import { PROVIDER_MODULES } from '../providers/index.js';
import { capabilitiesOf } from '../upstream/capabilities.js';
import type { ProviderInfoResolvers, ProviderResolvers } from '../generated/resolvers-types.js';

/** GraphQL enum values ↔ the provider keys used everywhere inside (the enum value is the key in capitals). */
export const Provider = Object.fromEntries(PROVIDER_MODULES.map(({ key }) => [toProviderEnum(key), key])) as ProviderResolvers;

const NO_PUSHDOWN = { statuses: false, assignee: false, requester: false, search: false, dates: false };

export const ProviderInfo: ProviderInfoResolvers = {
  provider: (info) => info.key,
  mode: (info) => (info.mode === 'live' ? 'LIVE' : 'SANDBOX'),
  configured: (info) => info.configured,
  health: (info) => info.health,
  capabilities: (info) => (info.instance ? capabilitiesOf(info.instance) : []),
  pushdown: (info) => info.instance?.pushdown ?? NO_PUSHDOWN,
  maxPageSize: (info) => info.instance?.maxPageSize ?? 0,
};
