// What the state keeps of users and API keys, in memory and (via persist.ts) in the data file.
import type { MockUser } from './types.js';

/** A stored user. The password exists only as a salted hash. */
export interface UserRecord extends MockUser {
  salt: string;
  passwordHash: string;
  /** False once deactivated: its keys and password then get "Your account has been deactivated." */
  active: boolean;
}

/** A stored API key: only its `sha256:<hex>` is kept (LabKey's core.APIKeys.Crypt). */
export interface KeyRecord {
  rowId: number;
  userId: number;
  crypt: string;
  created: Date;
  expiration: Date | null;
  lastUsed: Date | null;
  description: string | null;
  /** The role class a 26.7 key is restricted to (core.APIKeys.RestrictionRole), or null. */
  role: string | null;
}
