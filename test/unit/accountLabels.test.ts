import { describe, expect, test } from '@jest/globals';
import { authenticatorName, knownAaguid } from '../../src/passkeys/authenticatorName.js';
import { describeUserAgent } from '../../src/http/describeUserAgent.js';
import { maskIp } from '../../src/account/maskIp.js';

describe('account page labels', () => {
  test('authenticator names come from the AAGUID, else from the browser it was made on', () => {
    expect(authenticatorName('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4')).toBe(
      'Google Password Manager',
    );
    expect(knownAaguid('00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(authenticatorName('00000000-0000-0000-0000-000000000000', 'Safari on iPhone')).toBe(
      'Safari on iPhone',
    );
    expect(authenticatorName('00000000-0000-0000-0000-000000000000')).toBe('Passkey');
  });

  test('user agents become short labels', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iPhone');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
      ),
    ).toBe('Edge on Windows');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
      ),
    ).toBe('Firefox on macOS');
    expect(describeUserAgent(undefined)).toBeUndefined();
  });

  test('locations are coarse: IPv4 /24, IPv6 /48', () => {
    expect(maskIp('203.0.113.77')).toBe('203.0.113.x');
    expect(maskIp('::ffff:198.51.100.9')).toBe('198.51.100.x');
    expect(maskIp('2001:db8:1:2::5')).toBe('2001:db8:1::/48');
    expect(maskIp('not an ip')).toBeUndefined();
  });
});
