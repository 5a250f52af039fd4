import * as mock from '@lk/mock-server';

describe('@lk/mock-server public surface', () => {
  it('exports exactly startMockServer, SEEDED_ACCOUNTS and the LabKey versions it can be (types aside)', () => {
    expect(Object.keys(mock).sort()).toEqual(['LABKEY_VERSIONS', 'NEWEST_LABKEY_VERSION', 'SEEDED_ACCOUNTS', 'startMockServer']);
  });

  it('lists the demo accounts', () => {
    expect(mock.SEEDED_ACCOUNTS.map((a) => [a.email, a.password, a.siteAdmin])).toEqual([
      ['admin@lk.test', 'admin-password', true],
      ['alice@lk.test', 'alice-password', false],
      ['bob@lk.test', 'bob-password', false],
    ]);
  });
});
