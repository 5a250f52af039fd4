import { normalizeContextPath, parseActionPath } from './url';

describe('parseActionPath (protocol §1.1)', () => {
  it.each([
    ['/labkey/home/query-selectRows.api', { controller: 'query', action: 'selectRows', extension: 'api', containerSegments: ['home'] }],
    ['/labkey/query/home/selectRows.api', { controller: 'query', action: 'selectRows', extension: 'api', containerSegments: ['home'] }],
    ['/labkey/login-whoAmI.api', { controller: 'login', action: 'whoAmI', extension: 'api', containerSegments: [] }],
    ['/labkey/login/whoAmI.view', { controller: 'login', action: 'whoAmI', extension: 'view', containerSegments: [] }],
    ['/labkey/Project/Sub%20Folder/Query-getQuery.post', { controller: 'query', action: 'getQuery', extension: 'post', containerSegments: ['Project', 'Sub Folder'] }],
    ['/labkey/path+space%2Bplus/login-whoAmI', { controller: 'login', action: 'whoAmI', extension: '', containerSegments: ['path space+plus'] }],
    ['/labkey/home/my-list-query-selectRows.x.api', { controller: 'my-list-query', action: 'selectRows.x', extension: 'api', containerSegments: ['home'] }],
  ])('%s', (path, expected) => {
    expect(parseActionPath(path, '/labkey')).toEqual(expected);
  });

  it('uses the last dash of the last segment, not one at position 0', () => {
    expect(parseActionPath('/labkey/query/home/-x.api', '/labkey')).toEqual({ controller: 'query', action: '-x', extension: 'api', containerSegments: ['home'] });
  });

  it('returns undefined outside the context path or for a lone segment', () => {
    expect(parseActionPath('/other/login-whoAmI.api', '/labkey')).toBeUndefined();
    expect(parseActionPath('/labkeyx/login-whoAmI.api', '/labkey')).toBeUndefined();
    expect(parseActionPath('/labkey', '/labkey')).toBeUndefined();
    expect(parseActionPath('/labkey/begin.view', '/labkey')).toBeUndefined();
  });

  it('works with the root context', () => {
    expect(parseActionPath('/home/login-whoAmI.api', '')).toMatchObject({ controller: 'login', containerSegments: ['home'] });
  });

  it('normalises context paths', () => {
    expect(normalizeContextPath(undefined)).toBe('/labkey');
    expect(normalizeContextPath('')).toBe('');
    expect(normalizeContextPath('/')).toBe('');
    expect(normalizeContextPath('lk/')).toBe('/lk');
    expect(normalizeContextPath('/a/b//')).toBe('/a/b');
  });
});
