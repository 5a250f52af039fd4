/**
 * What lk calls of the SDK at run time, as one plain object: `deps.sdk()` imports this module and
 * hands out {@link sdk}, instead of the SDK's module namespace (`import('@lk/sdk')`).
 *
 * Why: in the bundle (scripts/bundle.mjs), a module imported as a namespace has its namespace object
 * built when the bundle loads, for every run (esbuild's `__export`: an object literal of one getter
 * function per export, then a defineProperty for each). The SDK's has 127, ~0.35 ms of every `lk`
 * run, `lk --help` included (the bundle's top level with it, 0.69-0.81 ms; without, 0.36; in-process,
 * 5 runs each, heap flags on). This object is built on the first `deps.sdk()` call, with only what
 * lk uses. Nothing in lk imports `@lk/sdk` as a namespace; named imports (`import { x } from
 * '@lk/sdk'`) are bound directly and cost nothing at load. A name lk starts to use is added here: the
 * type checker says which.
 */
import {
  analyzeKeyShape,
  createClient,
  createOsKeychain,
  defaultChain,
  defaultResolveContext,
  describeKeyRole,
  describeSource,
  ErrorCodes,
  fingerprintKey,
  folderSplits,
  isApiKeyRejectedError,
  isAuthError,
  isKeychainFailure,
  isLabKeyError,
  KEYCHAIN_SERVICE,
  keychainAccountFor,
  keysInArgs,
  KNOWN_ACTIONS,
  legacyKeyPrefix,
  maskKey,
  moveNetrcEntryBeforeDefaultText,
  netrcHostname,
  netrcReaders,
  netrcWritePath,
  normalizeApiKey,
  normalizeServerUrl,
  otherContextPath,
  parseFilter,
  parseNetrc,
  readNetrc,
  readNetrcFile,
  removeNetrcEntry,
  renameNetrcMachineText,
  schemeMismatch,
  Secret,
  setNetrcEntry,
  setNetrcEntryText,
  tidyNetrcEntryText,
  updateNetrcFile,
  usualBaseUrls,
  withFileLock,
} from '@lk/sdk';

/** The SDK functions and constants lk uses, by their SDK names. */
export const sdk = {
  analyzeKeyShape,
  createClient,
  createOsKeychain,
  defaultChain,
  defaultResolveContext,
  describeKeyRole,
  describeSource,
  ErrorCodes,
  fingerprintKey,
  folderSplits,
  isApiKeyRejectedError,
  isAuthError,
  isKeychainFailure,
  isLabKeyError,
  KEYCHAIN_SERVICE,
  keychainAccountFor,
  keysInArgs,
  KNOWN_ACTIONS,
  legacyKeyPrefix,
  maskKey,
  moveNetrcEntryBeforeDefaultText,
  netrcHostname,
  netrcReaders,
  netrcWritePath,
  normalizeApiKey,
  normalizeServerUrl,
  otherContextPath,
  parseFilter,
  parseNetrc,
  readNetrc,
  readNetrcFile,
  removeNetrcEntry,
  renameNetrcMachineText,
  schemeMismatch,
  Secret,
  setNetrcEntry,
  setNetrcEntryText,
  tidyNetrcEntryText,
  updateNetrcFile,
  usualBaseUrls,
  withFileLock,
};

export type SdkModule = typeof sdk;
