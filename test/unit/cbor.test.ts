import { encodeCbor, type CborValue } from '../support/cbor.js';

const hex = (value: CborValue) => Buffer.from(encodeCbor(value)).toString('hex');

describe('encodeCbor', () => {
  // Vectors from RFC 8949, Appendix A.
  it.each<[CborValue, string]>([
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [-257, '390100'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['\u00fc', '62c3bc'],
    [new Uint8Array(), '40'],
    [Uint8Array.of(1, 2, 3, 4), '4401020304'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [{}, 'a0'],
    [
      new Map([
        [1, 2],
        [3, 4],
      ]),
      'a201020304',
    ],
    [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
  ])('encodes %p as %s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  it('uses two-byte lengths for long byte strings', () => {
    expect(hex(new Uint8Array(300)).slice(0, 6)).toBe('59012c');
  });

  it('rejects non-integer numbers', () => {
    expect(() => encodeCbor(1.5)).toThrow(TypeError);
  });
});
