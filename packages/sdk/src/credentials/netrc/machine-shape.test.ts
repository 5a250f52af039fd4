import { netrcMachineShape } from './machine-shape.js';

describe('netrcMachineShape', () => {
  it('a bare hostname is fine', () => {
    expect(netrcMachineShape('labkey.example.org')).toBeUndefined();
    expect(netrcMachineShape('127.0.0.1')).toBeUndefined();
    expect(netrcMachineShape('::1')).toBeUndefined(); // a bare IPv6 literal has several colons
  });

  it('names a scheme, a port and a path, in that order, and the host it meant', () => {
    expect(netrcMachineShape('https://LabKey.example.org:8443/labkey')).toEqual({
      bare: 'labkey.example.org',
      problems: ['a scheme (https://)', 'a port (:8443)', 'a path (/labkey)'],
    });
    expect(netrcMachineShape('host:8080')).toEqual({ bare: 'host', problems: ['a port (:8080)'] });
    expect(netrcMachineShape('host/labkey')).toEqual({ bare: 'host', problems: ['a path (/labkey)'] });
    expect(netrcMachineShape('https://host/')).toEqual({ bare: 'host', problems: ['a scheme (https://)'] });
    expect(netrcMachineShape('host/')).toEqual({ bare: 'host', problems: ['a trailing slash'] });
    expect(netrcMachineShape('me@host')).toEqual({ bare: 'host', problems: ['a user name (user@)'] });
    expect(netrcMachineShape('http://[::1]:8080')).toEqual({ bare: '[::1]', problems: ['a scheme (http://)', 'a port (:8080)'] });
  });

  it('a comma is reported (ambiguous, so never rewritten by --fix)', () => {
    expect(netrcMachineShape('a.org,')?.problems).toEqual(['a comma']);
  });
});
