import { describe, expect, it } from '@jest/globals';
import { OutputTail } from '../../src/host/output-tail.js';

describe('OutputTail', () => {
  it('keeps everything while under capacity', () => {
    const tail = new OutputTail(10);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('def'));
    expect(tail.text()).toBe('abcdef');
  });

  it('keeps exactly the last bytes across wrap-arounds and oversized chunks', () => {
    const tail = new OutputTail(5);
    let all = '';
    for (const piece of ['ab', 'cdef', 'g', 'hijklmnop', 'qr', '', 'stu']) {
      tail.push(Buffer.from(piece));
      all += piece;
      expect(tail.text()).toBe(all.slice(-5));
    }
  });

  it('drops a character cut in half at the front instead of showing U+FFFD', () => {
    const tail = new OutputTail(4);
    // "a€b" is 61 E282AC 62: the last 4 bytes hold all of €, the last 3 only half of it.
    tail.push(Buffer.from('a€b'));
    expect(tail.bytes()).toEqual(Buffer.from('a€b').subarray(1));
    expect(tail.text()).toBe('€b');
    const cut = new OutputTail(3);
    cut.push(Buffer.from('a€b'));
    expect(cut.text()).toBe('b');
  });

  it('decodes invalid bytes leniently', () => {
    const tail = new OutputTail(16);
    tail.push(Buffer.from([0x6f, 0x6b, 0xff, 0x0a]));
    expect(tail.text()).toBe('ok\uFFFD\n');
  });
});
