/**
 * Key expiry for people: "in 23 h" beside the ISO time, and the warning every command prints on
 * stderr when the key it uses expires within 7 days, at most once a day. The time of the last
 * warning is kept in `state.json` in lk's config folder (not servers.json: it changes daily and
 * holds nothing a user edits).
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigStore } from '../../../config.js';
import type { IO } from '../../../io.js';

/** What the warning needs of the deps (a narrower type, so deps.ts may import this module). */
export interface ExpiryDeps {
  config: Pick<ConfigStore, 'load' | 'file'>;
  io: Pick<IO, 'err' | 'style'>;
  now(): Date;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A key that expires sooner than this is warned about. */
export const EXPIRY_WARNING_WITHIN = 7 * DAY;
const STATE_FILE = 'state.json';

/** `in 23 h`, `in 3 d`, `in 12 min`, `5 d ago`: how far `ms` (from now) is, rounded down. */
export function relativeTime(ms: number): string {
  const a = Math.abs(ms);
  const text = a >= 2 * DAY ? `${Math.floor(a / DAY)} d` : a >= HOUR ? `${Math.floor(a / HOUR)} h` : `${Math.max(1, Math.floor(a / 60_000))} min`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

interface State {
  lastExpiryWarning?: string;
}

/**
 * Warns on stderr when the key with this fingerprint (as lk's config knows it) expires within
 * {@link EXPIRY_WARNING_WITHIN}, unless a warning was printed less than a day ago. Never fails the
 * command: an unreadable config or state file means no warning.
 */
export async function warnIfKeyExpiresSoon(deps: ExpiryDeps, fingerprint: string): Promise<void> {
  try {
    const info = (await deps.config.load()).keys[fingerprint];
    if (typeof info?.expiresAt !== 'string') return;
    const now = deps.now().getTime();
    const left = Date.parse(info.expiresAt) - now;
    if (!(left > 0 && left <= EXPIRY_WARNING_WITHIN)) return;
    const file = join(dirname(deps.config.file), STATE_FILE);
    const state: State = await fsp.readFile(file, 'utf8').then(
      (t) => JSON.parse(t) as State,
      () => ({}),
    );
    const last = state.lastExpiryWarning ? Date.parse(state.lastExpiryWarning) : Number.NaN;
    if (now - last < DAY) return;
    const { io } = deps;
    io.err(
      `${io.style.warn('!')} warning: the API key for ${info.server ?? 'this server'} (fingerprint ${fingerprint}) expires ${relativeTime(left)} (${info.expiresAt}). Run \`lk keys rotate\` for a new one. (lk says this once a day.)\n`,
    );
    await fsp.mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await fsp.writeFile(file, `${JSON.stringify({ ...state, lastExpiryWarning: new Date(now).toISOString() }, null, 2)}\n`, { mode: 0o600 });
  } catch {
    // a warning that cannot be given is not an error
  }
}
