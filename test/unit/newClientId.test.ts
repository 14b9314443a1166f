import { expect, test } from '@jest/globals';
import { newClientId } from '../../src/admin/newClientId.js';

test('client ids never start with "-", so the CLI reads them as arguments', () => {
  // One base64url id in 64 would start with "-"; among 10,000 some would.
  const ids = Array.from({ length: 10_000 }, newClientId);
  expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
  expect(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{15}$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
});
