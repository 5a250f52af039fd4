import { relativeTime } from './expiry.js';

describe('relativeTime', () => {
  const H = 3_600_000;
  it.each([
    [23 * H + 59 * 60_000, 'in 23 h'],
    [3 * 24 * H + H, 'in 3 d'],
    [47 * H, 'in 47 h'],
    [12 * 60_000, 'in 12 min'],
    [10_000, 'in 1 min'],
    [-5 * 24 * H, '5 d ago'],
  ])('%d ms from now is "%s"', (ms, text) => {
    expect(relativeTime(ms)).toBe(text);
  });
});
