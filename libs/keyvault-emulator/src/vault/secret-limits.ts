import {
  MAX_CONTENT_TYPE_LENGTH,
  MAX_SECRET_VALUE_BYTES,
  MAX_TAG_NAME_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
} from '../constants.js';
import { VaultErrors } from './vault.errors.js';

/**
 * Key Vault's limits on what a set or an update may carry, checked in one place for every way in (the
 * data plane, the seed, the admin API, the in-process handle). Limits from "About Azure Key Vault
 * secrets": a value of at most 25 KB, a contentType of at most 255 characters, at most 15 tags whose
 * names and values have at most 512 characters each. docs/emulator.md cites the answers.
 */

/** Throws Key Vault's 400 SecretTooLarge for a value over 25 KB (counted in UTF-8 bytes). */
export function assertSecretValue(value: unknown): asserts value is string {
  if (typeof value !== 'string')
    throw VaultErrors.invalidBody("The parameter 'value' is required and must be a string.");
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES)
    throw VaultErrors.valueTooLarge(MAX_SECRET_VALUE_BYTES);
}

/** Throws Key Vault's 400 for a contentType over 255 characters. */
export function assertContentType(contentType: string | null | undefined): void {
  if (typeof contentType === 'string' && contentType.length > MAX_CONTENT_TYPE_LENGTH) {
    throw VaultErrors.invalidProperty();
  }
}

/** Throws Key Vault's 400 for more than 15 tags or a tag name or value over 512 characters. */
export function assertTags(tags: Record<string, string> | null | undefined): void {
  if (!tags) return;
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw VaultErrors.invalidProperty();
  for (const [name, value] of entries) {
    if (name.length > MAX_TAG_NAME_LENGTH || value.length > MAX_TAG_VALUE_LENGTH) {
      throw VaultErrors.invalidProperty();
    }
  }
}

/** The metadata limits of one set or update. */
export function assertSecretMetadata(input: {
  contentType?: string | null;
  tags?: Record<string, string> | null;
}): void {
  assertContentType(input.contentType);
  assertTags(input.tags);
}
