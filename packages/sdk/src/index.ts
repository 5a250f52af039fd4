/**
 * @lk/sdk public surface. Named exports only, no `export *`: every line here is a promise.
 * `test/public/exports.test.ts` pins this list so that surface changes show up in review.
 *
 * Each section is owned by one part of the SDK; add exports to your own section only.
 */

// ── redaction ────────────────────────────────────────────────────────────────
export { Secret, REDACTED, isSecret } from './redact/secret.js';

// ── errors (base and credential errors) ─────────────────────────────────────
export { LabKeyError, ErrorCodes, AUTH_ERROR_CODES, DOCS_BASE_URL } from './errors/labkey-error.js';
export type { AuthErrorCode, ErrorCode, LabKeyErrorOptions, RedactedRequest } from './errors/labkey-error.js';
export {
  NoCredentialsError,
  CredentialStoreError,
  UnsafeNetrcFileError,
  NetrcSyntaxError,
  NetrcLockError,
  InvalidArgumentError,
  BadFilterValueError,
  CredentialSourceError,
  UnsupportedError,
  formatTrail,
} from './errors/credential-errors.js';
export { NetrcValueError } from './errors/netrc-value-error.js';
export type { NetrcValueProblem } from './errors/netrc-value-error.js';
export type { CredentialStoreErrorOptions, NetrcFileProblem } from './errors/credential-errors.js';
export { MAX_NETRC_BYTES } from './credentials/netrc/netrc-file.js';

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
export { parseNetrc, netrcHostname, netrcHostKey } from './credentials/netrc/parse-netrc.js';
export { netrcMachineShape } from './credentials/netrc/machine-shape.js';
export type {
  Netrc,
  NetrcEntry,
  NetrcField,
  NetrcKeyword,
  NetrcLookup,
  NetrcWarning,
  NetrcWarningCode,
  ParseNetrcOptions,
} from './credentials/netrc/parse-netrc.js';
export { ENV_NETRC, locateNetrc, netrcWritePath, readNetrc, readNetrcFile } from './credentials/netrc/locate-netrc.js';
export type {
  NetrcCandidate,
  NetrcLocation,
  NetrcPermissionWarning,
  NetrcReadWarning,
  NetrcReadResult,
  NetrcFileRead,
} from './credentials/netrc/locate-netrc.js';
export {
  setNetrcEntry,
  removeNetrcEntry,
  setNetrcEntryText,
  removeNetrcEntryText,
  renameNetrcMachineText,
  moveNetrcEntryBeforeDefaultText,
  tidyNetrcEntryText,
  updateNetrcFile,
} from './credentials/netrc/write-netrc.js';
export type { NetrcCredentials, NetrcEntryRef, NetrcWriteOptions, NetrcWriteResult } from './credentials/netrc/write-netrc.js';
export { netrcReaders, netrcReadersView } from './credentials/netrc/netrc-readers.js';
export type {
  NetrcReaderId,
  NetrcReaderView,
  NetrcReaderFinding,
  NetrcReaderFindingCode,
  NetrcReadersReport,
  NetrcReadersFiles,
} from './credentials/netrc/netrc-readers.js';
export type { NetrcLockOptions } from './credentials/netrc/netrc-lock.js';
export { withFileLock } from './credentials/netrc/netrc-lock.js';
// Not exported on purpose: the lock (acquireNetrcLock) and netrcValueProblem are internals of the writer.

// ── credential sources, chain, keychain ─────────────────────────────────────
export { fromValue } from './credentials/from-value.js';
export { fromEnv, ENV_API_KEY, ENV_SERVER } from './credentials/from-env.js';
export { fromKeychain, keychainAccountFor, KEYCHAIN_SERVICE } from './credentials/from-keychain.js';
export type { FromKeychainOptions } from './credentials/from-keychain.js';
export { fromNetrc } from './credentials/from-netrc.js';
export { chain } from './credentials/chain.js';
export type { CredentialChain, ChainResolveOptions, SourceReport } from './credentials/chain.js';
export { memoize } from './credentials/memoize.js';
export type { MemoizedProvider, MemoizedCallOptions } from './credentials/memoize.js';
export { defaultChain, defaultResolveContext } from './credentials/default-chain.js';
export type { DefaultChainOptions } from './credentials/default-chain.js';
export { createOsKeychain, KEYCHAIN_TIMEOUT_MS } from './credentials/keychain/os-keychain.js';
export type { OsKeychainOptions } from './credentials/keychain/os-keychain.js';
export { createMemoryKeychain } from './credentials/keychain/memory-keychain.js';
export type { MemoryKeychain, MemoryKeychainOptions } from './credentials/keychain/memory-keychain.js';
export { KeychainError, isKeychainFailure } from './credentials/keychain/keychain-error.js';
export type { KeychainFailureKind } from './credentials/keychain/keychain-error.js';
export type { ShadowedCredential } from './credentials/types.js';
export { analyzeKeyShape, legacyKeyPrefix, stripLegacyPrefix, looksLikeKey, keysInArgs, LEGACY_KEY_PREFIXES } from './credentials/key-shape.js';
export { normalizeApiKey } from './credentials/normalize-key.js';
export type { KeyShape, LegacyKeyPrefix } from './credentials/key-shape.js';
export { describeSource } from './auth/diagnose-rejection.js';
export { maskKey } from './redact/mask.js';
export { fingerprintKey } from './redact/fingerprint.js';
export { scrubKey } from './redact/scrub.js';
export { setDebugSink } from './debug.js';
// Deliberately not exported: normalizeApiKey (the client normalises keys through the sources),
// and the keychain helper-process plumbing.

// ── client, HTTP errors, API ─────────────────────────────────────────────────
export { createClient, SDK_VERSION } from './client.js';
export { normalizeServerUrl, serverOrigin, folderSplits, otherContextPath, usualBaseUrls, httpsUrl } from './transport/url.js';
export type { ServerUrlOptions } from './transport/url.js';
export { schemeMismatch } from './transport/tls-port.js';
export type { SchemeMismatch, SchemeMismatchOptions } from './transport/tls-port.js';
// Deliberately not exported: withScheme (httpsUrl and a SchemeMismatch's url cover what callers need).
export type { ClientOptions, LabKeyClient } from './client.js';
export type { Timeouts, DebugSink } from './transport/transport.js';
export { authHeadersFor, AUTH_SCHEMES } from './auth/auth-scheme.js';
export type { AuthScheme } from './auth/auth-scheme.js';
export type { KeyInfo, KeyInfoStore } from './auth/diagnose-rejection.js';
export {
  HttpError,
  ForbiddenError,
  CsrfError,
  NotFoundError,
  WrongContextPathError,
  MethodNotAllowedError,
  ValidationError,
  ServerError,
  BadResponseError,
  ResponseTooLargeError,
  NetworkError,
  TimeoutError,
  AbortedError,
  TooManyRedirectsError,
} from './errors/http-error.js';
export type { HttpErrorOptions, NotFoundErrorOptions, ValidationIssue } from './errors/http-error.js';
export { ApiKeyRejectedError } from './errors/api-key-rejected-error.js';
export type { RejectionReason } from './errors/api-key-rejected-error.js';
export {
  isLabKeyError,
  isHttpError,
  isAuthError,
  isNoCredentialsError,
  isCredentialStoreError,
  isApiKeyRejectedError,
  isForbiddenError,
  isCsrfError,
  isNotFoundError,
  isWrongContextPathError,
  isMethodNotAllowedError,
  isValidationError,
  isServerError,
  isBadResponseError,
  isNetworkError,
  isTimeoutError,
  isAbortedError,
  isTooManyRedirectsError,
} from './errors/guards.js';
export { filter, Filter, parseFilter, FILTER_OPERATORS } from './api/filter.js';
export type { FilterOperator, FilterValue, FilterScalar } from './api/filter.js';
export { rawRowsPage, wafEncode } from './api/query.js';
export { editDistance, closestNames } from './api/suggest.js';
export { KNOWN_ACTIONS } from './api/known-actions.js';
export { CellKind, FlatRow, RowFlag, firstRow, nextRow, valueEnd } from './api/raw-rows.js';
export type { RowsSpan, RowsTable } from './api/raw-rows.js';
// Deliberately not exported: toLabKeyError (the one response → error mapping stays internal; match
// errors by code), the transport, the cookie jar and the redirect policy (tested beside their source).
export type {
  WhoAmI,
  FieldInfo,
  ContainerFilter,
  QueryOptionsBase,
  SelectRowsOptions,
  ExecuteSqlOptions,
  IterOptions,
  QueryResult,
  RawRowsPage,
  RawPagesOptions,
  ModifyRowsOptions,
  ModifyRowsResult,
  GetContainersOptions,
  ContainerInfo,
  ApiKeyRow,
  CreateApiKeyOptions,
  CreatedApiKey,
  ActionRequest,
  GetSchemasOptions,
  SchemaInfo,
  GetQueriesOptions,
  QueryInfo,
  GetQueryDetailsOptions,
  ColumnInfo,
  QueryDetails,
} from './api/types.js';
export { KEY_ROLE_NAMES, keyRoleName, describeKeyRole } from './api/key-roles.js';
export type { ApiKeyRole, KeyRoleName } from './api/key-roles.js';
