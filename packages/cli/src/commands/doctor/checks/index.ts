/** The checks, in the order they are shown: the file first, then its entries, then the server. */
import type { Check } from '../check.js';
import { afterDefault } from './after-default.js';
import { duplicates } from './duplicates.js';
import { hostEntry } from './host-entry.js';
import { keyAccepted } from './key-accepted.js';
import { keyShape } from './key-shape.js';
import { login } from './login.js';
import { machineNames } from './machine-names.js';
import { netrcFile } from './netrc-file.js';
import { netrcPermissions } from './netrc-permissions.js';
import { netrcSyntax } from './netrc-syntax.js';
import { readers } from './readers.js';
import { serverReachable } from './server-reachable.js';
import { shadowing } from './shadowing.js';

export const ALL_CHECKS: readonly Check[] = Object.freeze([
  netrcFile,
  netrcPermissions,
  netrcSyntax,
  hostEntry,
  machineNames,
  login,
  duplicates,
  afterDefault,
  readers,
  keyShape,
  shadowing,
  serverReachable,
  keyAccepted,
]);
