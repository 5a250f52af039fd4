import { parseFilter } from './filter.js';

describe('parseFilter: a comparison written as in SQL or a spreadsheet', () => {
  // Before: 'Age>=40' read as the column "Age>" equal to 40, which LabKey ignores (no such
  // column): every row came back, exit 0. 'Age>40' said "The filter Age>40~eq needs a value".
  it.each([
    ['Age>=40', 'Age~gte=40'],
    ['Age>40', 'Age~gt=40'],
    ['Age <= 40', 'Age~lte=40'],
    ['Age<40', 'Age~lt=40'],
    ['Age!=36', 'Age~neq=36'],
    ['Age<>36', 'Age~neq=36'],
    ['Name==Ada', 'Name~eq=Ada'],
    ['Created=>2024-01-01', 'Created~gte=2024-01-01'],
  ])('%s is refused, naming the filter meant (%s)', (typed, meant) => {
    let err: any;
    try {
      parseFilter(typed);
    } catch (e) {
      err = e;
    }
    expect(err?.code).toBe('LK_INVALID_ARGUMENT');
    expect(err.detail).toBe(`${JSON.stringify(typed)} is a comparison, which a LabKey filter is not written as: write it ${meant}.`);
    // What it names is a filter parseFilter reads.
    expect(() => parseFilter(meant)).not.toThrow();
  });

  it('values holding those characters are read as before', () => {
    expect(parseFilter('Name=a>b')).toEqual({ column: 'Name', op: 'eq', value: 'a>b' });
    expect(parseFilter('Name~contains=<=>')).toEqual({ column: 'Name', op: 'contains', value: '<=>' });
    expect(parseFilter('Age~gt=30')).toEqual({ column: 'Age', op: 'gt', value: '30' });
  });
});
