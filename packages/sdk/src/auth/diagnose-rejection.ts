/**
 * Names the real cause of a rejected key from what the client knows: the credential's source and
 * shape, what is known locally about the key (its expiry), and whether an environment variable
 * shadowed a different stored key. Never reads or prints the key beyond its shape.
 */
import type { Credential } from '../credentials/types.js';
import type { RejectionReason } from '../errors/api-key-rejected-error.js';
import { analyzeKeyShape } from '../credentials/key-shape.js';
import { normalizeServerUrl } from '../transport/url.js';

/** What is known locally about an issued key (recorded by `lk auth login` / createApiKey). @public */
export interface KeyInfo {
  /** {@link fingerprintKey} of the key. */
  fingerprint: string;
  server?: string;
  rowId?: number;
  /**
   * How `rowId` was learnt: `created` (the new row right after createApiKey), `only-key` (the
   * user's only row when the key was checked), or `last-used` (the row the server said was used
   * last; a guess: LastUsed is written at most every 10 minutes). Revoking by row id is safe only
   * for the first two.
   */
  rowIdFrom?: 'created' | 'only-key' | 'last-used';
  createdAt?: string;
  /** ISO time, or null for "never expires". Undefined: not known. */
  expiresAt?: string | null;
  description?: string;
  /** The role class the key is restricted to (LabKey 26.7), null for none; undefined: not known. */
  role?: string | null;
}

/** Looks up {@link KeyInfo} by fingerprint. @public */
export interface KeyInfoStore {
  get(fingerprint: string): Promise<KeyInfo | undefined> | KeyInfo | undefined;
}

/** Another source that holds a different key for the same server (asked only after a 401). */
export interface ShadowedKey {
  source: string;
  fingerprint: string;
}

/** What the netrc file says about the entry a rejected key came from. */
export interface NetrcFacts {
  /** The key came from the `default` entry (no `machine` matched the host). */
  isDefault: boolean;
  /** Machine names in the file, for the hint (host names, not secret). */
  machines: string[];
}

export interface Diagnosis {
  reason: RejectionReason;
  /** Why the key was not accepted, as a clause about "it" (the key); the caller names the source. */
  because: string;
  /** What to run next. */
  hint: string;
}

/** What the server's own 401 text says, when it names a cause the client cannot know otherwise. */
export type ServerSays = 'deactivated' | 'secondary-auth';

export interface DiagnoseInput {
  credential: Pick<Credential, 'apiKey' | 'source' | 'fingerprint' | 'details'>;
  /** The request came back as guest from a server that silently ignores bad keys (pre-2024). */
  legacyGuest?: boolean;
  /** The server's 401 named the cause itself (a deactivated account, secondary authentication). */
  serverSays?: ServerSays | undefined;
  /** How the key was sent: a guest answer to a Bearer header means the server does not read Bearer. */
  scheme?: 'apikey' | 'basic' | 'bearer' | undefined;
  keyInfo?: KeyInfo | undefined;
  now: Date;
  shadowed?: ShadowedKey[] | undefined;
  netrc?: NetrcFacts | undefined;
  server?: string | undefined;
}


/**
 * Where a credential came from, in words, the one form used in SDK errors, `lk auth status` and
 * `lk doctor`: "the environment variable LABKEY_API_KEY", "/home/me/.netrc line 3", "the keychain
 * entry lk/https://host/labkey", "the apiKey option"; else the source id. From the source's
 * `details`, never by parsing the id. @public
 */
export function describeSource(c: Pick<Credential, 'source' | 'details'>): string {
  const d = c.details ?? {};
  if (d.variable) return `the environment variable ${d.variable}`;
  if (d.file) return `${d.file}${d.line !== undefined ? ` line ${d.line}` : ''}`;
  if (d.service || d.account) return `the keychain entry ${d.service ?? '?'}/${d.account ?? '?'}`;
  if (c.source === 'option') return 'the apiKey option';
  return c.source;
}

function isNetrcDefault(input: DiagnoseInput): boolean {
  return input.netrc?.isDefault === true || input.credential.details?.entry === 'default';
}

function changeAt(c: DiagnoseInput['credential']): string {
  const d = c.details ?? {};
  if (d.variable) return `unset ${d.variable} or set it to a valid key`;
  if (d.file) return `fix ${describeSource(c)}`;
  if (d.service || d.account) return 'run `lk auth login` to store a new key';
  return 'pass a valid key';
}

/**
 * Picks the reason, most specific first: shape (prefixed, malformed), then where it came from
 * (netrc `default` entry, an environment variable shadowing a stored key), then what is known about
 * the key (expired, revoked), else unknown. `legacyGuest` wins over all: the server never said
 * "rejected", so the shape findings are mentioned in the text but the reason says what happened.
 */
export function diagnoseRejection(input: DiagnoseInput): Diagnosis {
  const { credential: c } = input;
  const where = describeSource(c);
  const raw = c.apiKey.reveal();
  const shape = shapeProblem(raw);
  const fp = c.fingerprint;

  if (input.legacyGuest && input.scheme === 'bearer') {
    return {
      reason: 'bearer-unsupported',
      because: 'the server treated the request as guest: it does not read `Authorization: Bearer` (LabKey added Bearer support in 2026, LabKey/platform#7609), so the key was never looked at',
      hint: "Send the key as the `apikey` header instead (the default): drop `auth: 'bearer'` or run `lk auth login --auth apikey`.",
    };
  }
  if (input.serverSays === 'deactivated') {
    return {
      reason: 'deactivated',
      because: "the server says the key's user account has been deactivated; the key is valid but its owner may no longer sign in",
      hint: 'Ask a LabKey administrator to reactivate the account, or use a key of an active user (`lk auth login`).',
    };
  }
  if (input.serverSays === 'secondary-auth') {
    return {
      reason: 'secondary-auth',
      because: 'the server requires secondary authentication (TOTP or Duo) for passwords, and a password was sent instead of an API key',
      hint: 'API keys are exempt from secondary authentication: create one in LabKey (External Tool Access) and run `lk auth login`.',
    };
  }
  if (input.legacyGuest) {
    const known = knownCause(input, shape);
    return {
      reason: 'legacy-guest',
      because: `the server treated the request as guest although the key was sent: servers before LabKey 24.8 silently ignore a key they do not accept${known ? `; lk's records say it ${known}` : shape ? `; also, the key ${shape.text}` : ''}`,
      hint: `The key is not valid on this server (expired, revoked or mistyped). Create a new one in LabKey (External Tool Access) and run \`lk auth login\`; \`lk doctor\` checks the key's shape and source.`,
    };
  }

  if (shape?.kind === 'prefixed') {
    return {
      reason: 'prefixed',
      because: `it starts with "${shape.prefix}": keys issued before LabKey 23.3 carried this prefix, but keys since then do not, and the server never adds or strips it`,
      hint: c.details?.file
        ? `Run \`lk doctor --fix\`: it removes "${shape.prefix}" in ${where} when the key works without it (after a backup). If it is a pre-23.3 key, it has been revoked or expired.`
        : `If the key was issued without the prefix, remove "${shape.prefix}" in ${where}; if it is a pre-23.3 key, it has been revoked or expired. Run \`lk doctor\` to check.`,
    };
  }
  if (shape?.kind === 'malformed') {
    return {
      reason: 'malformed',
      because: `it ${shape.text}; a LabKey key is 64 lower-case hex characters`,
      hint: `${capitalize(changeAt(c))} so it holds exactly the key LabKey showed (no quotes or spaces), or run \`lk auth login\`. \`lk doctor\` shows what was read.`,
    };
  }
  if (isNetrcDefault(input)) {
    const machines = input.netrc?.machines ?? [];
    return {
      reason: 'wrong-host',
      because: `it came from the \`default\` entry of the netrc file, not from an entry for ${hostOf(input.server) ?? 'this server'}: no \`machine\` line matched this host${machines.length ? ` (the file names ${machines.map((m) => `"${m}"`).join(', ')})` : ''}, and netrc matches the bare host name only, without scheme or port`,
      hint: `Add \`machine ${hostOf(input.server) ?? '<host>'} login apikey password <key>\` to the netrc file, or run \`lk auth login\`. \`lk doctor\` lists the entries it found.`,
    };
  }
  const other = input.shadowed?.find((s) => s.fingerprint !== fp);
  if (other) {
    return {
      reason: 'shadowed',
      because: `it shadows a different key stored in ${other.source} (fingerprint ${other.fingerprint}), which was not tried`,
      hint: c.details?.variable
        ? `Unset ${c.details.variable} to use the stored key, or put a valid key in it. \`lk auth status\` shows both.`
        : `Remove the key from ${where} to use the one in ${other.source}. \`lk auth status\` shows both.`,
    };
  }
  const info = input.keyInfo;
  const issuedFor = info?.server !== undefined && input.server !== undefined && sameServer(info.server, input.server) === false ? info.server : undefined;
  if (issuedFor !== undefined) {
    return {
      reason: 'other-server',
      because: `it is the key stored for ${issuedFor}, not for ${input.server} (not revoked): both servers are on one host, and a netrc entry matches the host name only (no port or path), so storing the key for ${issuedFor} replaced this server's`,
      hint: `Store this server's key where it does not collide: \`lk auth login --server ${input.server} --store keychain\` (or put one of the two servers on another host name). \`lk auth status\` lists the servers that share the host.`,
    };
  }
  if (info && info.expiresAt) {
    const exp = new Date(info.expiresAt);
    if (!Number.isNaN(exp.getTime()) && exp.getTime() <= input.now.getTime()) {
      return {
        reason: 'expired',
        because: `it expired at ${exp.toISOString()}`,
        hint: 'Create a new key: run `lk auth login` (the site setting "Expire API keys" decides how long keys live).',
      };
    }
  }
  if (info && info.expiresAt !== undefined) {
    return {
      reason: 'revoked',
      because: `it has not expired${info.expiresAt ? ` (it would expire at ${new Date(info.expiresAt).toISOString()})` : ' (it never expires)'}, so it was revoked (deleted) on the server`,
      hint: 'Create a new key and store it: run `lk auth login`. `lk keys list` shows the keys the server still has.',
    };
  }
  return {
    reason: 'unknown',
    because: `it is not known to the server: it has expired or been revoked, or was never valid there`,
    hint: `Create a new key and run \`lk auth login\`, or ${changeAt(c)}. \`lk doctor\` checks the key's source and shape.`,
  };
}

/** On a server that says nothing (silent guest), what lk itself knows of the key: expired, revoked, or its shape. */
function knownCause(input: DiagnoseInput, shape: ReturnType<typeof shapeProblem>): string | undefined {
  const info = input.keyInfo;
  if (info?.expiresAt) {
    const exp = new Date(info.expiresAt);
    if (!Number.isNaN(exp.getTime()) && exp.getTime() <= input.now.getTime()) return `expired at ${exp.toISOString()}`;
  }
  if (info && info.expiresAt !== undefined) return 'has not expired, so it was revoked (deleted) on the server';
  if (shape?.kind === 'prefixed') return `starts with "${shape.prefix}", which only a key issued with it carries`;
  return undefined;
}

function shapeProblem(raw: string): { kind: 'prefixed'; prefix: string; text: string } | { kind: 'malformed'; text: string } | undefined {
  const s = analyzeKeyShape(raw);
  if (s.prefix) return { kind: 'prefixed', prefix: s.prefix, text: `starts with "${s.prefix}"` };
  if (s.surroundingWhitespace) return { kind: 'malformed', text: 'has whitespace around it' };
  if (s.quoted) return { kind: 'malformed', text: 'is wrapped in quotes' };
  if (s.innerWhitespace) return { kind: 'malformed', text: 'contains whitespace' };
  if (!s.modern) {
    if (s.upperCaseHex && s.bodyLength === 64) return { kind: 'malformed', text: 'has upper-case letters' };
    return { kind: 'malformed', text: `is ${raw.length} characters long and not 64 hex characters` };
  }
  return undefined;
}

/** Whether two base URLs name the same server, in the SDK's one normal form; undefined when either does not parse. */
function sameServer(a: string, b: string): boolean | undefined {
  try {
    return normalizeServerUrl(a) === normalizeServerUrl(b);
  } catch {
    return undefined;
  }
}

function hostOf(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    return new URL(server).hostname;
  } catch {
    return undefined;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
