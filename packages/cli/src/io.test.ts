import { createTestIO, styleFor, useColor } from './io.js';

describe('io', () => {
  it('colors only on a terminal, never with NO_COLOR or TERM=dumb', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
    expect(useColor(true, { TERM: 'dumb' })).toBe(false);
    expect(styleFor(false).ok('x')).toBe('x');
    expect(styleFor(true).ok('x')).toBe('\u001b[32mx\u001b[39m');
  });

  it('the test IO buffers stdout and stderr apart and answers prompts in order', async () => {
    const io = createTestIO({ answers: ['secret'] });
    await io.out('data\n');
    io.err('message\n');
    expect(await io.promptSecret('Key: ')).toBe('secret');
    await expect(io.prompt('More? ')).rejects.toMatchObject({ code: 'LK_CANCELLED' });
    expect(io.stdout()).toBe('data\n');
    expect(io.stderr()).toBe('message\nKey: \nMore? \n');
  });
});
