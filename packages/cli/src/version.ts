/**
 * The CLI's version, kept as a constant so `lk --version` needs no file read and no import of
 * commander. `version.test.ts` checks that it matches package.json.
 */
export const VERSION = '0.1.0';
