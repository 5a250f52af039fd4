// Pins @lk/sdk's runtime surface: adding or removing an export must show up in review, here.
// (Types are checked by tsc; this list is the values a JavaScript caller can import.)
import * as sdk from '@lk/sdk';

const EXPECTED = [
  'AUTH_ERROR_CODES', 'AUTH_SCHEMES', 'AbortedError', 'ApiKeyRejectedError', 'BadResponseError',
  'CredentialSourceError', 'CredentialStoreError', 'CsrfError', 'DOCS_BASE_URL', 'ENV_API_KEY', 'ENV_NETRC', 'ENV_SERVER',
  'ErrorCodes', 'FILTER_OPERATORS', 'Filter', 'ForbiddenError', 'HttpError',
  'InvalidArgumentError', 'KEYCHAIN_SERVICE', 'KEYCHAIN_TIMEOUT_MS', 'KeychainError',
  'LEGACY_KEY_PREFIXES', 'LabKeyError', 'MethodNotAllowedError', 'NetrcLockError',
  'NetrcSyntaxError', 'NetworkError', 'NoCredentialsError', 'NotFoundError', 'REDACTED',
  'SDK_VERSION', 'Secret', 'ServerError', 'TimeoutError', 'TooManyRedirectsError',
  'ValidationError', 'WrongContextPathError', 'analyzeKeyShape', 'authHeadersFor', 'chain',
  'createClient', 'createMemoryKeychain', 'createOsKeychain', 'defaultChain',
  'defaultResolveContext', 'describeSource', 'filter', 'fingerprintKey', 'folderSplits',
  'formatTrail', 'fromEnv', 'httpsUrl', 'fromKeychain', 'fromNetrc', 'fromValue', 'isAbortedError',
  'isApiKeyRejectedError', 'isAuthError', 'isBadResponseError', 'isCredentialStoreError',
  'isCsrfError', 'isForbiddenError', 'isHttpError', 'isKeychainFailure', 'isLabKeyError',
  'isMethodNotAllowedError', 'isNetworkError', 'isNoCredentialsError', 'isNotFoundError',
  'isSecret', 'isServerError', 'isTimeoutError', 'isTooManyRedirectsError', 'isValidationError',
  'isWrongContextPathError', 'keychainAccountFor', 'legacyKeyPrefix', 'locateNetrc',
  'looksLikeKey', 'maskKey', 'memoize', 'moveNetrcEntryBeforeDefaultText', 'netrcHostKey',
  'netrcHostname', 'netrcMachineShape', 'netrcWritePath', 'normalizeApiKey', 'normalizeServerUrl', 'otherContextPath', 'parseFilter', 'parseNetrc',
  'readNetrc', 'readNetrcFile', 'removeNetrcEntry', 'removeNetrcEntryText', 'renameNetrcMachineText',
  'serverOrigin', 'setDebugSink', 'setNetrcEntry', 'setNetrcEntryText', 'stripLegacyPrefix',
  'updateNetrcFile', 'wafEncode',
  // netrc readers (issue 11)
  'NetrcValueError', 'tidyNetrcEntryText', 'netrcReaders', 'netrcReadersView',
  // discovery and "did you mean" (issue 14)
  'KNOWN_ACTIONS', 'closestNames', 'editDistance',
  // hostile files and servers (issue 12)
  'UnsafeNetrcFileError', 'MAX_NETRC_BYTES', 'scrubKey', 'ResponseTooLargeError', 'withFileLock', 'keysInArgs',
  // LabKey generations: role-restricted keys (issue 10)
  'KEY_ROLE_NAMES', 'UnsupportedError', 'describeKeyRole', 'keyRoleName',
  // pages with their rows as bytes, for transcoding writers (issue 15)
  'CellKind', 'FlatRow', 'RowFlag', 'firstRow', 'nextRow', 'valueEnd', 'rawRowsPage',
  // a filter value the column's type cannot hold (issue 13)
  'BadFilterValueError',
  // a server URL whose scheme is the wrong one for its port (http:// to TLS, https:// to plain HTTP)
  'schemeMismatch',
  // the usual base URLs on a server's origin (a mistyped context path)
  'usualBaseUrls',
];

test('the public exports are exactly the reviewed list', () => {
  expect(Object.keys(sdk).sort()).toEqual([...EXPECTED].sort());
});

test('error classes are named *Error, and error codes are unique LK_ codes', () => {
  const errorClasses = Object.entries(sdk).filter(
    ([name, v]) => typeof v === 'function' && /Error$/.test(name) && v.prototype instanceof Error,
  );
  expect(errorClasses.length).toBeGreaterThan(15);
  for (const [name] of errorClasses) {
    expect(name).toMatch(/^[A-Z][A-Za-z]+Error$/);
  }
  const codes = Object.values(sdk.ErrorCodes);
  expect(new Set(codes).size).toBe(codes.length);
  for (const code of codes) expect(code).toMatch(/^LK_[A-Z_]+$/);
});
