import * as client from 'openid-client';
import type { RunningSesame } from './startSesame.js';

/** A TV or CLI: a public client that uses only the device authorization grant (RFC 8628). */
export interface DeviceClient {
  clientId: string;
  config: client.Configuration;
  /** Asks for a user code (default scope `openid email profile`). */
  start(scope?: string): Promise<client.DeviceAuthorizationResponse>;
  /** Polls the token endpoint as openid-client does (interval, slow_down) until it ends. */
  poll(
    started: client.DeviceAuthorizationResponse,
    signal?: AbortSignal,
  ): ReturnType<typeof client.pollDeviceAuthorizationGrant>;
  /** One raw token request for `deviceCode`: status and JSON body. */
  pollOnce(deviceCode: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** Registers a device client named `name` on the test server and discovers the issuer. */
export async function connectDevice(
  sesame: Pick<RunningSesame, 'issuer' | 'registerClient'>,
  name: string,
): Promise<DeviceClient> {
  const { client_id: clientId } = await sesame.registerClient({
    name,
    device: true,
    public: true,
  });
  const config = await client.discovery(
    new URL(sesame.issuer),
    clientId,
    { token_endpoint_auth_method: 'none' },
    client.None(),
    { execute: [client.allowInsecureRequests] },
  );
  return {
    clientId,
    config,
    start: (scope = 'openid email profile') =>
      client.initiateDeviceAuthorization(config, { scope }),
    poll: (started, signal) =>
      client.pollDeviceAuthorizationGrant(config, started, undefined, signal ? { signal } : {}),
    async pollOnce(deviceCode) {
      const res = await fetch(`${sesame.issuer}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: deviceCode,
          client_id: clientId,
        }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
}
