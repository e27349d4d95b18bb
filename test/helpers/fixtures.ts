import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads test/fixtures/<provider>/<name>.json. */
export function fixture(provider: string, name: string): unknown {
  const path = fileURLToPath(new URL(`../fixtures/${provider}/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}
