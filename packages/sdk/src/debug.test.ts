import { debug, debugEnabled, setDebugSink } from './debug.js';

describe('debug', () => {
  afterEach(() => {
    setDebugSink(undefined);
  });

  it('sends `topic => message` lines to an injected sink, with substitutions', () => {
    const lines: string[] = [];
    setDebugSink((l) => lines.push(l));
    expect(debugEnabled()).toBe(true);
    debug('credentials:env', 'found %s', 'LABKEY_API_KEY, LABKEY_SERVER');
    expect(lines).toEqual(['credentials:env => found LABKEY_API_KEY, LABKEY_SERVER']);
  });

  it('returns the previous sink so a test can restore it', () => {
    const a = () => {};
    expect(setDebugSink(a)).toBeUndefined();
    expect(setDebugSink(undefined)).toBe(a);
  });
});
