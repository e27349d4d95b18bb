import type { ProviderKey } from './provider.js';

export interface TagModel {
  id: string;
  provider: ProviderKey;
  nativeId: string;
  /** Null where the provider only gives the tag's id (Zaia). */
  name: string | null;
}
