import type { Credential } from '../credentials/types.js';
import { InvalidArgumentError } from '../errors/credential-errors.js';
import { describeSource } from './diagnose-rejection.js';

/**
 * How the key travels. `apikey` (the default) is the `apikey` header every LabKey server since 2015
 * reads; `basic` is `Authorization: Basic base64("apikey:" + key)`; `bearer` is
 * `Authorization: Bearer <key>`, only understood by servers from 2026 on (https://github.com/LabKey/platform/issues/7609).
 * @public
 */
export type AuthScheme = 'apikey' | 'basic' | 'bearer';

/** @public */
export const AUTH_SCHEMES: readonly AuthScheme[] = Object.freeze(['apikey', 'basic', 'bearer'] as const);

/**
 * The request headers that carry `credential` in `scheme`. This tiny pure function is the only
 * code in the SDK that reveals a key for sending.
 *
 * The key is sent exactly as resolved, apart from surrounding whitespace (which HTTP trims from
 * header values anyway): LabKey hashes the whole string, so a legacy `apikey|` prefix is part of
 * the key and must never be added or removed. A key with a control character or inner whitespace
 * cannot be a header value and is refused with an InvalidArgumentError naming its source, as is a
 * key with a non-ASCII character (LabKey keys are ASCII; an invisible pasted one is the usual case).
 * @public
 */
export function authHeadersFor(credential: Pick<Credential, 'apiKey' | 'source'> & Partial<Pick<Credential, 'details'>>, scheme: AuthScheme = 'apikey'): Readonly<Record<string, string>> {
  const key = credential.apiKey.reveal().trim();
  // Named as every other error names a key's source (`the environment variable LABKEY_API_KEY`, a file and line).
  const from = describeSource(credential);
  if (key.length === 0) {
    throw new InvalidArgumentError(`The API key from ${from} is empty.`, {
      hint: `Store a key with \`lk auth login\`, or fix ${from}.`,
    });
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(key)) {
    throw new InvalidArgumentError(`The API key from ${from} contains whitespace or a control character, so it cannot be sent.`, {
      hint: `A LabKey key is 64 hex characters with nothing around it: fix ${from}, or run \`lk doctor\`.`,
    });
  }
  // A LabKey key is ASCII (hex, or a legacy `apikey|` prefix). Anything else is a copy-and-paste
  // stowaway, often invisible (a zero-width space): undici would refuse it as a header value with
  // an error that reads like a network failure, and in Basic it would go out only to be rejected.
  if (/[^\x21-\x7e]/.test(key)) {
    throw new InvalidArgumentError(
      `The API key from ${from} contains a non-ASCII character (often an invisible one picked up by copy and paste, such as a zero-width space), so it cannot be a LabKey key.`,
      { hint: `Copy the key again as plain text (64 hex characters) into ${from}, or run \`lk doctor\`.` },
    );
  }
  switch (scheme) {
    case 'apikey':
      return Object.freeze({ apikey: key });
    case 'basic':
      return Object.freeze({ authorization: `Basic ${Buffer.from(`apikey:${key}`, 'utf8').toString('base64')}` });
    case 'bearer':
      return Object.freeze({ authorization: `Bearer ${key}` });
    default:
      throw new InvalidArgumentError(`Unknown auth scheme ${JSON.stringify(scheme)}; use 'apikey', 'basic' or 'bearer'.`);
  }
}
