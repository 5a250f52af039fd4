import { inspect } from 'node:util';

/** What every printable form of a {@link Secret} shows. @public */
export const REDACTED = '[REDACTED]';

// The raw values live outside the objects, so no enumeration, structured clone, JSON encoder or
// debugger property view of a Secret can reach them.
const values = new WeakMap<Secret, string>();

// Marks Secrets of every copy of this package (pnpm can install two, e.g. the CLI's and an app's):
// a registered symbol is the same in each copy, while `instanceof` and the WeakMap above are per copy.
const BRAND = Symbol.for('@lk/sdk:Secret');

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

  /** Always true; lets {@link isSecret} recognise a Secret made by another copy of the package. */
  get [BRAND](): boolean {
    return true;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/** True for a {@link Secret}, including one from another copy of this package. @public */
export function isSecret(value: unknown): value is Secret {
  if (typeof value !== 'object' || value === null) return false;
  if (values.has(value as Secret)) return true;
  const v = value as { [BRAND]?: unknown; reveal?: unknown };
  if (v[BRAND] !== true || typeof v.reveal !== 'function') return false;
  // Another copy's Secret: its own reveal() answers only for objects its constructor made.
  try {
    return typeof (v.reveal as () => unknown).call(value) === 'string';
  } catch {
    return false;
  }
}
