import { inspect } from 'node:util';

/** What every printable form of a {@link Secret} shows. @public */
export const REDACTED = '[REDACTED]';

// The raw values live outside the objects, so no enumeration, structured clone, JSON encoder or
// debugger property view of a Secret can reach them.
const values = new WeakMap<Secret, string>();

/**
 * A credential value that cannot leak by accident: `String()`, template literals, `JSON.stringify`
 * and `util.inspect` (so `console.log`) all print `[REDACTED]`. Only code that must send or store
 * the key calls {@link Secret.reveal}.
 * @public
 */
export class Secret {
  constructor(value: string) {
    values.set(this, value);
    Object.freeze(this);
  }

  /** The raw value. Call it only where the key leaves the process on purpose (auth header, store). */
  reveal(): string {
    const v = values.get(this);
    if (v === undefined) throw new TypeError('not a Secret');
    return v;
  }

  get length(): number {
    return this.reveal().length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/** True for a {@link Secret}, including one from another copy of this package. @public */
export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret || (typeof value === 'object' && value !== null && values.has(value as Secret));
}
