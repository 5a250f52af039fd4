import * as mock from '@lk/mock-server';

describe('@lk/mock-server public surface', () => {
  it('exports exactly startMockServer and SEEDED_ACCOUNTS (types aside)', () => {
    expect(Object.keys(mock).sort()).toEqual(['SEEDED_ACCOUNTS', 'startMockServer']);
  });

  it('lists the demo accounts', () => {
    expect(mock.SEEDED_ACCOUNTS.map((a) => [a.email, a.password, a.siteAdmin])).toEqual([
      ['admin@lk.test', 'admin-password', true],
      ['alice@lk.test', 'alice-password', false],
      ['bob@lk.test', 'bob-password', false],
    ]);
  });
});
