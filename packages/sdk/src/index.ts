/**
 * @lk/sdk public surface. Named exports only, no `export *`: every line here is a promise.
 * `test/public/exports.test.ts` pins this list so that surface changes show up in review.
 *
 * Each section is owned by one part of the SDK; add exports to your own section only.
 */

// ── redaction ────────────────────────────────────────────────────────────────
export { Secret, REDACTED, isSecret } from './redact/secret.js';

// ── errors (base and credential errors) ─────────────────────────────────────
export { LabKeyError, ErrorCodes, DOCS_BASE_URL } from './errors/labkey-error.js';
export type { ErrorCode, LabKeyErrorOptions, RedactedRequest } from './errors/labkey-error.js';
export {
  NoCredentialsError,
  CredentialStoreError,
  NetrcSyntaxError,
  NetrcLockError,
  InvalidArgumentError,
  formatTrail,
} from './errors/credential-errors.js';

// ── credential types ─────────────────────────────────────────────────────────
export type {
  Credential,
  CredentialSourceId,
  ResolveStep,
  Keychain,
  CredentialFs,
  ResolveContext,
  Skipped,
  SourceResult,
  CredentialSource,
} from './credentials/types.js';

// ── netrc engine ─────────────────────────────────────────────────────────────

// ── credential sources, chain, keychain ─────────────────────────────────────

// ── client, HTTP errors, API ─────────────────────────────────────────────────
