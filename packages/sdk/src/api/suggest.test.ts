import { closestNames, didYouMean, editDistance } from './suggest.js';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['people', 'people', 0],
    ['peple', 'people', 1], // a letter missing
    ['poeple', 'people', 1], // two neighbours swapped
    ['pxople', 'people', 1], // a letter wrong
    ['kitten', 'sitting', 3],
    ['selctrows', 'selectrows', 1],
  ])('%s -> %s is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestNames', () => {
  const tables = ['People', 'Generated', 'Peoples', 'Samples', 'Users'];
  test('a typo, a swap or another case finds the name', () => {
    expect(closestNames('Peple', tables)).toEqual(['People', 'Peoples']);
    expect(closestNames('Poeple', tables)[0]).toBe('People');
    expect(closestNames('PEOPLE', tables)[0]).toBe('People');
    expect(closestNames('generatd', tables)).toEqual(['Generated']);
  });
  test('a part of a longer name finds it', () => {
    expect(closestNames('Gener', tables)).toEqual(['Generated']);
  });
  test('nothing close gives nothing; the limit holds', () => {
    expect(closestNames('Xyzzy', tables)).toEqual([]);
    expect(closestNames('', tables)).toEqual([]);
    expect(closestNames('a', ['b', 'c', 'd', 'e'], 2)).toHaveLength(2);
  });
  test('only the closest and nearly closest: one typo from selectRows is not deleteRows', () => {
    expect(closestNames('query-selctRows', ['query-selectRows', 'query-deleteRows', 'query-insertRows'])).toEqual(['query-selectRows']);
  });
});

test('didYouMean words one or several names', () => {
  expect(didYouMean([])).toBeUndefined();
  expect(didYouMean(['People'])).toBe('Did you mean People?');
  expect(didYouMean(['a', 'b', 'c'])).toBe('Did you mean a, b or c?');
});
