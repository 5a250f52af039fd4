import type { MockClock } from './types.js';

/**
 * A clock that runs at real speed from an adjustable offset, so tests can jump days ahead
 * (`advance`) without sleeping while timestamps still move between requests.
 */
export function createClock(start?: Date): MockClock {
  let offset = start ? start.getTime() - Date.now() : 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      if (!Number.isFinite(ms)) throw new RangeError('advance(ms) needs a finite number');
      offset += ms;
    },
    set(date: Date) {
      const t = date.getTime();
      if (Number.isNaN(t)) throw new RangeError('set(date) needs a valid Date');
      offset = t - Date.now();
    },
  };
}
