import { machineShape } from './machine-shape.js';

describe('machineShape', () => {
  it('a bare hostname is fine', () => {
    expect(machineShape('labkey.example.org')).toBeUndefined();
    expect(machineShape('127.0.0.1')).toBeUndefined();
    expect(machineShape('::1')).toBeUndefined(); // a bare IPv6 literal has several colons
  });

  it('names a scheme, a port and a path, in that order, and the host it meant', () => {
    expect(machineShape('https://LabKey.example.org:8443/labkey')).toEqual({
      bare: 'labkey.example.org',
      problems: ['a scheme (https://)', 'a port (:8443)', 'a path (/labkey)'],
    });
    expect(machineShape('host:8080')).toEqual({ bare: 'host', problems: ['a port (:8080)'] });
    expect(machineShape('host/labkey')).toEqual({ bare: 'host', problems: ['a path (/labkey)'] });
    expect(machineShape('https://host/')).toEqual({ bare: 'host', problems: ['a scheme (https://)'] });
    expect(machineShape('host/')).toEqual({ bare: 'host', problems: ['a trailing slash'] });
    expect(machineShape('me@host')).toEqual({ bare: 'host', problems: ['a user name (user@)'] });
    expect(machineShape('http://[::1]:8080')).toEqual({ bare: '[::1]', problems: ['a scheme (http://)', 'a port (:8080)'] });
  });

  it('a comma is reported (ambiguous, so never rewritten by --fix)', () => {
    expect(machineShape('a.org,')?.problems).toEqual(['a comma']);
  });
});
