/** Provider keys used everywhere: config, SANDBOX_FAULTS, metrics labels, global ids. */
export const PROVIDER_KEYS = ['spacebring', 'moov', 'hostup', 'zaia', 'sonzai'] as const;
export type ProviderKey = (typeof PROVIDER_KEYS)[number];

export function isProviderKey(value: string): value is ProviderKey {
  return (PROVIDER_KEYS as readonly string[]).includes(value);
}

/** GraphQL enum value (SCREAMING_SNAKE) of a provider key. */
export type ProviderEnum = Uppercase<ProviderKey>;
export const toProviderEnum = (key: ProviderKey): ProviderEnum => key.toUpperCase() as ProviderEnum;
