#!/usr/bin/env node
// A TV or terminal app signing in with Sesame (OAuth 2.0 device authorization grant, RFC 8628):
// it shows a QR code (and a short code) for the person's phone, polls until they have signed in
// there with their passkey, and prints the ID token's claims.
//
//   npx sesame client add --name "Living Room TV" --device --public   → prints {"client_id"}
//   ISSUER=http://localhost:3000 CLIENT_ID=<client_id> node examples/deviceClient.mjs
//
// Uses openid-client (polling, slow_down and the ID token checks) and qrcode (the terminal QR).
import * as client from 'openid-client';
import QRCode from 'qrcode';

const issuer = new URL(process.env.ISSUER ?? 'http://localhost:3000');
const clientId = process.env.CLIENT_ID;
const scope = process.env.SCOPE ?? 'openid email profile';
if (!clientId) {
  console.error('Set CLIENT_ID to the client_id of a device client (client add --device).');
  process.exit(2);
}

try {
  const config = await client.discovery(
    issuer,
    clientId,
    { token_endpoint_auth_method: 'none' },
    client.None(),
    // Plain http is only for a Sesame on localhost during development.
    issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {},
  );
  const started = await client.initiateDeviceAuthorization(config, { scope });
  const qr = await QRCode.toString(started.verification_uri_complete ?? started.verification_uri, {
    type: 'terminal',
    small: true,
  });
  console.log(qr);
  console.log(`Scan the QR code with your phone, or open ${started.verification_uri}`);
  console.log(
    `and enter the code ${started.user_code} (valid ${Math.round(started.expires_in / 60)} minutes).`,
  );
  console.log('Waiting for you to sign in…');
  const tokens = await client.pollDeviceAuthorizationGrant(config, started);
  console.log('Signed in. ID token claims:');
  console.log(JSON.stringify(tokens.claims(), null, 2));
} catch (err) {
  const reasons = {
    access_denied: 'The sign-in was declined on the phone.',
    expired_token: 'The code expired before anyone signed in. Run this again for a new code.',
    invalid_client: 'Sesame does not know this CLIENT_ID as a device client.',
  };
  console.error(
    reasons[err?.error] ?? `Sign-in failed: ${err?.error_description ?? err?.message ?? err}`,
  );
  process.exit(1);
}
