import { describe, expect, test } from '@jest/globals';
import { fakeCredentials } from '../../src/passkeys/fakeCredentials.js';
import { listedTransports } from '../../src/passkeys/listedTransports.js';

describe('fake allowCredentials for unknown addresses', () => {
  test('deterministic per secret and email, 1–2 entries shaped like real passkeys', () => {
    const lengths = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const list = fakeCredentials('secret', `person${i}@example.com`);
      expect(fakeCredentials('secret', `person${i}@example.com`)).toEqual(list);
      expect(list.length).toBeGreaterThanOrEqual(1);
      expect(list.length).toBeLessThanOrEqual(2);
      for (const entry of list) {
        expect(Object.keys(entry).sort()).toEqual(['id', 'transports']);
        expect(entry.id).toMatch(/^[A-Za-z0-9_-]+$/);
        lengths.add(Buffer.from(entry.id, 'base64url').length);
        expect(entry.transports).toEqual(listedTransports(entry.transports!));
      }
    }
    expect([...lengths].sort((a, b) => a - b)).toEqual([16, 20, 32, 64]);
    expect(fakeCredentials('other', 'person1@example.com')).not.toEqual(
      fakeCredentials('secret', 'person1@example.com'),
    );
  });

  test('transports are listed sorted, and all of them when the authenticator reported none', () => {
    expect(listedTransports(['internal', 'hybrid', 'internal'])).toEqual(['hybrid', 'internal']);
    expect(listedTransports([])).toEqual(['ble', 'hybrid', 'internal', 'nfc', 'usb']);
  });
});
