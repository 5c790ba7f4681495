import { describe, expect, it } from '@jest/globals';
import { parseSuccessCodes } from '../../../src/manifest/deployment-xml/parse-deployment-xml.js';

describe('parseSuccessCodes', () => {
  it('reads a list of codes as one-code ranges, in the order written', () => {
    expect(parseSuccessCodes('0,1,2')).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(parseSuccessCodes('3,0')).toEqual([
      [3, 3],
      [0, 0],
    ]);
  });

  it('reads inclusive ranges, including negative ends', () => {
    expect(parseSuccessCodes('0:10')).toEqual([[0, 10]]);
    expect(parseSuccessCodes('-1:10')).toEqual([[-1, 10]]);
    expect(parseSuccessCodes('-5:-2')).toEqual([[-5, -2]]);
    expect(parseSuccessCodes('4:4')).toEqual([[4, 4]]);
  });

  it('reads codes and ranges mixed, with spaces around the separators', () => {
    expect(parseSuccessCodes('0,3:5')).toEqual([
      [0, 0],
      [3, 5],
    ]);
    expect(parseSuccessCodes(' 0 , 3 : 5 ,-1 ')).toEqual([
      [0, 0],
      [3, 5],
      [-1, -1],
    ]);
  });

  it.each([
    ['0:', /"0:" is not a range.*e\.g\. 0:10/],
    [':5', /":5" is not a range/],
    ['a', /"a" is not an exit code; write whole numbers/],
    ['1.5', /"1.5" is not an exit code/],
    ['5:1', /"5:1" runs backwards; write 1:5/],
    ['0-10', /write a range with a colon, e\.g\. 0:10/],
    ['0,,1', /empty entry between commas/],
    ['0,', /empty entry between commas/],
    ['', /the list is empty; .*leave successCodes out to accept every exit code/],
    ['   ', /the list is empty/],
    ['1:2:3', /"1:2:3" is not a range/],
    ['99999999999999999999', /too large/],
  ])('rejects %j with a message that shows the fix', (text, message) => {
    const result = parseSuccessCodes(text);
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });
});
