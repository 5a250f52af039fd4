/** The `apikey|`/`session|` prefix of keys issued before LabKey 23.3 (part of those keys, never of newer ones). */
export const LEGACY_PREFIX = /^(apikey|session)\|/;

export function legacyPrefixOf(key: string): string | undefined {
  return LEGACY_PREFIX.exec(key)?.[1];
}

export function stripLegacyPrefix(key: string): string {
  return key.replace(LEGACY_PREFIX, '');
}
