import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Browser, Page } from 'playwright-core';
import { addVirtualAuthenticator, e2eEnabled, launchBrowser } from '../support/browser.js';

(e2eEnabled() ? describe : describe.skip)('browser support', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // http://localhost is a secure context, so WebAuthn works without TLS.
    origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  beforeEach(async () => {
    page = await browser.newPage();
    await page.goto(`${origin}/`);
  });
  afterEach(() => page.close());

  const create = (options: PublicKeyCredentialCreationOptionsJSON) =>
    page.evaluate(async (json) => {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(json as never);
      const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
      return credential.toJSON() as unknown;
    }, options) as Promise<RegistrationResponseJSON>;

  const get = (options: PublicKeyCredentialRequestOptionsJSON) =>
    page.evaluate(async (json) => {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(json as never);
      const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential;
      return credential.toJSON() as unknown;
    }, options) as Promise<AuthenticationResponseJSON>;

  it('creates and uses a passkey on a CDP virtual authenticator', async () => {
    const authenticator = await addVirtualAuthenticator(page);
    const registration = await generateRegistrationOptions({
      rpName: 'Sesame',
      rpID: 'localhost',
      userName: 'alice@example.com',
      supportedAlgorithmIDs: [-7, -8, -257],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const created = await create(registration);
    const verified = await verifyRegistrationResponse({
      response: created,
      expectedChallenge: registration.challenge,
      expectedOrigin: origin,
      expectedRPID: 'localhost',
      requireUserVerification: true,
      supportedAlgorithmIDs: [-7, -8, -257],
    });
    expect(verified.verified).toBe(true);
    const credentials = await authenticator.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ rpId: 'localhost', isResidentCredential: true });

    const request = await generateAuthenticationOptions({
      rpID: 'localhost',
      userVerification: 'required',
    });
    const asserted = await get(request);
    const result = await verifyAuthenticationResponse({
      response: asserted,
      expectedChallenge: request.challenge,
      expectedOrigin: origin,
      expectedRPID: 'localhost',
      credential: verified.registrationInfo!.credential,
      requireUserVerification: true,
    });
    expect(result.verified).toBe(true);
    expect(asserted.response.userHandle).toBe(registration.user.id);

    await authenticator.remove();
  });

  it('reports a failed user verification as NotAllowedError', async () => {
    const authenticator = await addVirtualAuthenticator(page, { isUserVerified: false });
    const registration = await generateRegistrationOptions({
      rpName: 'Sesame',
      rpID: 'localhost',
      userName: 'bob@example.com',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      timeout: 5000,
    });
    await expect(create(registration)).rejects.toThrow(/NotAllowedError/);
    await authenticator.setUserVerified(true);
    await expect(create(registration)).resolves.toMatchObject({ type: 'public-key' });
  });
});
