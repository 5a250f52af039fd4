/**
 * `lk keys rotate [--description]`: replaces the key lk uses with a new one, never leaving the user
 * without a working stored key. Steps: check the current key (whoAmI) and list the user's rows;
 * create a new key with it; check the new key (whoAmI, same user); put it where the current one
 * is stored (the same netrc entry or keychain item, atomically); then revoke the old key, only
 * when lk knows its row for certain ({@link certainRowId}). A failure before the new key is stored revokes the new key and leaves the old one as it
 * was; a failure revoking the old key keeps the new one stored and says so.
 */
import type { ApiKeyRow, KeyInfo, LabKeyClient } from '@lk/sdk';
import { CliError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { errorSummary } from '../../handle-error.js';
import { keySlotOf, replaceKey, type KeySlot } from '../auth/shared/key-store.js';
import { clientFor, ENV_API_KEY, resolveServer } from '../shared/server.js';
import { serverCommand } from '../shared/command.js';
import { addFormatOptions, formatAsked, type FormatFlags } from '../shared/format.js';
import { keysDisabled } from './create.js';

export interface RotateOptions extends FormatFlags<'text' | 'json'> {
  server?: string;
  description?: string;
}

export const rotateCommand = serverCommand(
  (parent) =>
    addFormatOptions(
      parent
        .command('rotate')
        .description('replace the stored key with a new one (created with it, checked, stored in the same place), then revoke the old key')
        .option('--description <text>', "the new key's description (default: the old key's)"),
      ['text', 'json'],
      'text: what was done, on stderr',
      'what was done',
    ),
  async (opts: RotateOptions, deps: Deps) => {
    const json = formatAsked(opts) === 'json';
    const r = await runRotate(opts, deps);
    // Never the new key: it went into the store; the fingerprint names it.
    if (json) await deps.io.out(`${JSON.stringify({ server: r.server, fingerprint: r.fingerprint, rowId: r.rowId ?? null, stored: r.stored, revoked: r.revoked ?? null }, null, 2)}\n`);
  },
);

export interface RotateResult {
  server: string;
  /** Fingerprint of the new key, now stored. */
  fingerprint: string;
  /** Row id of the new key, when known. */
  rowId?: number;
  /** Row id of the old key, when it was revoked. */
  revoked?: number;
  stored: string;
}

export async function runRotate(opts: RotateOptions, deps: Deps): Promise<RotateResult> {
  const { io } = deps;
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  try {
    const cred = await client.credential(); // no key: "not logged in" (exit 4) before any request
    if (cred.source.startsWith('env:')) {
      throw new CliError('LK_KEY_FROM_ENV', `The key for ${server.url} comes from the environment (${ENV_API_KEY}), where lk cannot store a new one; nothing was changed.`, {
        hint: 'Run `lk keys create`, put the new key where the variable is set, then `lk keys revoke` the old one.',
      });
    }
    const slot = await keySlotOf(deps, server.url, cred);
    if (!slot) {
      throw new CliError('LK_KEY_NOT_REPLACEABLE', `lk cannot replace the key for ${server.url} in place: it comes from ${cred.source}; nothing was changed.`, {
        hint: 'Store it with `lk auth login` first (a netrc machine entry or the keychain), then rotate.',
      });
    }
    const me = await client.whoAmI(); // the current key works, or the SDK says why not
    const before = await client.listApiKeys();
    const oldInfo = (await deps.config.load()).keys[cred.fingerprint];
    const oldRow = certainRowId(oldInfo, before);
    const description = opts.description ?? oldInfo?.description ?? before.find((r) => r.rowId === oldRow)?.description ?? undefined;

    const created = await client
      .createApiKey({ type: 'apikey', ...(description !== undefined ? { description } : {}) })
      .catch((e: unknown) => Promise.reject(keysDisabled(e, server.url)));
    // Its row: the one the SDK found, if it is new since the listing above.
    const newRow = created.info.rowId !== undefined && !before.some((r) => r.rowId === created.info.rowId) ? created.info.rowId : undefined;
    const fresh = await deps.createClient({ baseUrl: server.url, container: server.entry?.container ?? '/home', auth: server.entry?.auth ?? 'apikey', apiKey: created.apiKey });
    try {
      await step('checking the new key', slot, client, newRow, before, async () => {
        const who = await fresh.whoAmI();
        if (who.id !== me.id) throw new CliError('LK_ROTATE_OTHER_USER', `the server says the new key belongs to ${who.email}, not ${me.email}`);
      });
      await step('storing the new key', slot, client, newRow, before, () => replaceKey(deps, server.url, slot, created.apiKey));
      await deps.config.update((cfg) => {
        // The row only when it is new since the listing above (undefined fields are not written).
        cfg.keys[created.info.fingerprint] = { ...created.info, server: server.url, rowId: newRow, rowIdFrom: newRow === undefined ? undefined : 'created' };
      });
      io.err(`${io.style.ok('✓')} New key${newRow !== undefined ? ` (row ${newRow})` : ''} checked and stored in ${slot.where}\n`);
      const result: RotateResult = { server: server.url, fingerprint: created.info.fingerprint, stored: slot.where, ...(newRow !== undefined ? { rowId: newRow } : {}) };

      if (oldRow === undefined) {
        io.err(`${io.style.warn('!')} The old key (fingerprint ${cred.fingerprint}) still works: lk does not know its row for certain, so it did not revoke it.\n${keyRowsList(before)}`);
        return result;
      }
      try {
        await fresh.revokeApiKey(oldRow);
      } catch (e) {
        throw new CliError('LK_OLD_KEY_NOT_REVOKED', `The new key is stored in ${slot.where} and works, but revoking the old key (row ${oldRow}) failed: ${errorSummary(e)}`, {
          hint: `Revoke it with \`lk keys revoke ${oldRow}\` (lk now uses the new key).`,
          cause: e,
        });
      }
      await deps.config.update((cfg) => {
        delete cfg.keys[cred.fingerprint];
      });
      io.err(`${io.style.ok('✓')} Revoked the old key (row ${oldRow})\n`);
      return { ...result, revoked: oldRow };
    } finally {
      await fresh.close();
    }
  } finally {
    await client.close();
  }
}

/**
 * Runs a step before the new key is stored. If it fails, the old key is untouched: revoke the new
 * key (with the old one) when its row is known, and say what is left.
 */
async function step(what: string, slot: KeySlot, client: LabKeyClient, newRow: number | undefined, before: ApiKeyRow[], run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    let undo: string;
    if (newRow === undefined) {
      undo = `lk does not know the new key's row, so it stays valid on the server: revoke it with \`lk keys revoke ROWID\` (\`lk keys list\` shows it; it is not one of rows ${before.map((r) => r.rowId).join(', ') || 'listed before'}).`;
    } else {
      undo = await client.revokeApiKey(newRow).then(
        () => `The new key (row ${newRow}) was revoked.`,
        (e2: unknown) => `Revoking the new key (row ${newRow}) failed too (${errorSummary(e2)}): revoke it with \`lk keys revoke ${newRow}\`.`,
      );
    }
    throw new CliError('LK_ROTATE_FAILED', `Rotation failed while ${what}: ${errorSummary(e)}. The old key is still stored in ${slot.where} and unchanged. ${undo}`, {
      hint: 'Run `lk keys rotate` again once the cause is fixed.',
      cause: e,
    });
  }
}

/**
 * The row of a key, when lk knows it for certain: recorded when lk created the key, or when it was
 * the user's only key, and still among the user's rows. A row guessed from LastUsed is not enough
 * to revoke (LastUsed is written at most every 10 minutes, so another key may look newer).
 */
export function certainRowId(info: KeyInfo | undefined, rows: readonly ApiKeyRow[]): number | undefined {
  if (info?.rowId === undefined || (info.rowIdFrom !== 'created' && info.rowIdFrom !== 'only-key')) return undefined;
  return rows.some((r) => r.rowId === info.rowId) ? info.rowId : undefined;
}

/** Rows that may be a key lk cannot identify (every row the user has), as lines for the user to pick from. */
export function keyRowsList(rows: ApiKeyRow[]): string {
  if (rows.length === 0) return '';
  const lines = rows.map((r) => `    row ${r.rowId}: created ${r.created ?? '?'}${r.description ? `, "${r.description}"` : ''}${r.lastUsed ? `, last used ${r.lastUsed}` : ''}`);
  return `  It is one of these rows; revoke it with \`lk keys revoke ROWID\`:\n${lines.join('\n')}\n`;
}
