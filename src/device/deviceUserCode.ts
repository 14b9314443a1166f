import type Provider from 'oidc-provider';
import { formatUserCode } from './formatUserCode.js';

/**
 * For an interaction started by a device authorization (RFC 8628), the code the device shows
 * (`BCDF-GHJK`), so the person can compare it on the consent page; `undefined` otherwise.
 */
export async function deviceUserCode(
  provider: Provider,
  details: { deviceCode?: unknown },
): Promise<string | undefined> {
  const id = details.deviceCode;
  if (typeof id !== 'string') return undefined;
  const code = await provider.DeviceCode.find(id, { ignoreExpiration: true });
  return code?.userCode ? formatUserCode(code.userCode) : undefined;
}
