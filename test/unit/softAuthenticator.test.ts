import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import {
  KNOWN_AAGUIDS,
  SoftAuthenticator,
  type AssertionTweak,
  type RegistrationTweak,
  type SoftAlgorithm,
} from '../support/softAuthenticator.js';

const origin = 'http://localhost:3000';
const rpID = 'localhost';
const supportedAlgorithmIDs = [-7, -8, -257];

function registrationOptions(
  extra: Partial<Parameters<typeof generateRegistrationOptions>[0]> = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'Sesame',
    rpID,
    userName: 'alice@example.com',
    userID: new TextEncoder().encode('user-alice'),
    supportedAlgorithmIDs,
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    ...extra,
  });
}

async function verifyRegistration(
  authenticator: SoftAuthenticator,
  tweak?: RegistrationTweak,
  options?: PublicKeyCredentialCreationOptionsJSON,
) {
  const opts = options ?? (await registrationOptions());
  const response = authenticator.createCredential(opts, tweak);
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: opts.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
    supportedAlgorithmIDs,
  });
  return { response, result, options: opts };
}

/** Registers a credential honestly and returns what a server would store. */
async function register(authenticator: SoftAuthenticator): Promise<WebAuthnCredential> {
  const { result } = await verifyRegistration(authenticator);
  if (!result.verified) throw new Error('registration failed');
  return result.registrationInfo.credential;
}

async function authenticate(
  authenticator: SoftAuthenticator,
  credential: WebAuthnCredential,
  tweak?: AssertionTweak,
  allow = true,
) {
  const options = await generateAuthenticationOptions({
    rpID,
    userVerification: 'required',
    allowCredentials: allow ? [{ id: credential.id }] : [],
  });
  const response = authenticator.getAssertion(options, tweak);
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
    requireUserVerification: true,
  });
  return { response, result };
}

describe('SoftAuthenticator', () => {
  describe.each<[SoftAlgorithm, number]>([
    ['ES256', -7],
    ['EdDSA', -8],
    ['RS256', -257],
  ])('with %s', (algorithm, coseAlg) => {
    it('registers and signs in, and its responses verify', async () => {
      const authenticator = new SoftAuthenticator({ origin, algorithm });
      const { response, result, options } = await verifyRegistration(authenticator);

      expect(result.verified).toBe(true);
      expect(response.id).toBe(response.rawId);
      expect(response.response.publicKeyAlgorithm).toBe(coseAlg);
      expect(response.response.transports).toEqual(['internal', 'hybrid']);
      expect(response.authenticatorAttachment).toBe('platform');
      const info = result.registrationInfo!;
      expect(info.fmt).toBe('none');
      expect(info.credential.id).toBe(response.id);
      expect(info.credential.counter).toBe(0);
      expect(info.userVerified).toBe(true);
      expect(info.aaguid).toBe(KNOWN_AAGUIDS.none);
      expect(info.credentialDeviceType).toBe('singleDevice');
      expect(info.credentialBackedUp).toBe(false);
      expect(info.rpID).toBe(rpID);
      expect(authenticator.credentials).toHaveLength(1);
      expect(authenticator.credentials[0]).toMatchObject({
        id: response.id,
        rpId: rpID,
        userHandle: options.user.id,
        userName: 'alice@example.com',
        algorithm,
        discoverable: true,
      });

      const credential = info.credential;
      const first = await authenticate(authenticator, credential);
      expect(first.result.verified).toBe(true);
      expect(first.result.authenticationInfo.newCounter).toBe(1);
      expect(first.result.authenticationInfo.userVerified).toBe(true);
      expect(first.response.response.userHandle).toBe(options.user.id);

      credential.counter = first.result.authenticationInfo.newCounter;
      const second = await authenticate(authenticator, credential, undefined, false);
      expect(second.result.verified).toBe(true);
      expect(second.result.authenticationInfo.newCounter).toBe(2);
      expect(second.response.id).toBe(credential.id);
    });
  });

  it('prefers ES256 and otherwise takes the first offered algorithm it supports', async () => {
    const any = new SoftAuthenticator({ origin });
    const options = await registrationOptions({ supportedAlgorithmIDs: [-8, -7, -257] });
    expect(any.createCredential(options).response.publicKeyAlgorithm).toBe(-7);
    const rsaFirst = await registrationOptions({ supportedAlgorithmIDs: [-257, -8] });
    expect(any.createCredential(rsaFirst).response.publicKeyAlgorithm).toBe(-257);

    const edOnly = new SoftAuthenticator({ origin, algorithm: 'EdDSA' });
    const noEd = await registrationOptions({ supportedAlgorithmIDs: [-7] });
    expect(() => edOnly.createCredential(noEd)).toThrow(
      expect.objectContaining({ name: 'NotSupportedError' }),
    );
  });

  it('reports backup flags as credentialBackedUp and credentialDeviceType', async () => {
    const synced = new SoftAuthenticator({ origin, backupEligible: true, backupState: true });
    const { result } = await verifyRegistration(synced);
    expect(result.registrationInfo!.credentialDeviceType).toBe('multiDevice');
    expect(result.registrationInfo!.credentialBackedUp).toBe(true);
    const { result: auth } = await authenticate(synced, result.registrationInfo!.credential);
    expect(auth.authenticationInfo.credentialDeviceType).toBe('multiDevice');
    expect(auth.authenticationInfo.credentialBackedUp).toBe(true);

    const eligibleOnly = new SoftAuthenticator({ origin, backupEligible: true });
    const { result: notYet } = await verifyRegistration(eligibleOnly);
    expect(notYet.registrationInfo!.credentialDeviceType).toBe('multiDevice');
    expect(notYet.registrationInfo!.credentialBackedUp).toBe(false);
  });

  it('reports the configured AAGUID', async () => {
    const gpm = new SoftAuthenticator({ origin, aaguid: KNOWN_AAGUIDS.googlePasswordManager });
    const { result } = await verifyRegistration(gpm);
    expect(result.registrationInfo!.aaguid).toBe(KNOWN_AAGUIDS.googlePasswordManager);
  });

  it('answers credProps and honours excludeCredentials', async () => {
    const authenticator = new SoftAuthenticator({ origin });
    const options = await registrationOptions({ extensions: { credProps: true } });
    const response = authenticator.createCredential(options);
    expect(response.clientExtensionResults).toEqual({ credProps: { rk: true } });

    const again = await registrationOptions({ excludeCredentials: [{ id: response.id }] });
    expect(() => authenticator.createCredential(again)).toThrow(
      expect.objectContaining({ name: 'InvalidStateError' }),
    );
    expect(() =>
      authenticator.createCredential(again, { ignoreExcludeCredentials: true }),
    ).not.toThrow();
  });

  it('fails to sign in when it holds no usable credential', async () => {
    const authenticator = new SoftAuthenticator({ origin });
    const options = await generateAuthenticationOptions({ rpID });
    expect(() => authenticator.getAssertion(options)).toThrow(
      expect.objectContaining({ name: 'NotAllowedError' }),
    );

    const securityKey = new SoftAuthenticator({ origin, residentKeys: false });
    // A security key without resident storage refuses residentKey "required"...
    await expect(register(securityKey)).rejects.toMatchObject({ name: 'NotSupportedError' });
    // ...and with "preferred" makes a credential usable only through allowCredentials.
    const preferred = await registrationOptions({
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    const registered = securityKey.createCredential(preferred);
    expect(() => securityKey.getAssertion(options)).toThrow(
      expect.objectContaining({ name: 'NotAllowedError' }),
    );
    const allow = await generateAuthenticationOptions({
      rpID,
      allowCredentials: [{ id: registered.id }],
    });
    expect(securityKey.getAssertion(allow).id).toBe(registered.id);
  });

  it('lets a test pick the credential and the user handle', async () => {
    const authenticator = new SoftAuthenticator({ origin });
    const a = await register(authenticator);
    const b = await register(authenticator);
    const options = await generateAuthenticationOptions({ rpID });
    expect(authenticator.getAssertion(options).id).toBe(a.id);
    expect(authenticator.getAssertion(options, { credentialId: b.id }).id).toBe(b.id);
    expect(authenticator.getAssertion(options, { userHandle: 'other' }).response.userHandle).toBe(
      'other',
    );
    expect(
      authenticator.getAssertion(options, { userHandle: null }).response.userHandle,
    ).toBeUndefined();
  });

  it('can reuse a given credential ID at registration', async () => {
    const authenticator = new SoftAuthenticator({ origin });
    const first = await register(authenticator);
    const other = new SoftAuthenticator({ origin });
    const { response } = await verifyRegistration(other, { credentialId: first.id });
    expect(response.id).toBe(first.id);
  });

  describe('registration tweaks make verification fail', () => {
    it.each<[string, RegistrationTweak, RegExp]>([
      ['wrong origin', { origin: 'https://evil.example' }, /origin/],
      ['wrong type', { type: 'webauthn.get' }, /type/],
      ['wrong challenge', { challenge: 'c29tZXRoaW5nLWVsc2U' }, /challenge/],
      ['no user verification', { userVerified: false }, /User verification/],
      ['no user presence', { userPresent: false }, /User presence/],
      ['wrong RP ID', { rpId: 'evil.example' }, /RP ID/],
      ['unsupported algorithm', { algorithm: 'ES384' }, /alg/],
    ])('%s', async (_name, tweak, message) => {
      const authenticator = new SoftAuthenticator({ origin });
      await expect(verifyRegistration(authenticator, tweak)).rejects.toThrow(message);
    });
  });

  describe('assertion tweaks make verification fail', () => {
    it.each<[string, AssertionTweak, RegExp]>([
      ['wrong origin', { origin: 'https://evil.example' }, /origin/],
      ['wrong type', { type: 'webauthn.create' }, /type/],
      ['wrong challenge', { challenge: 'c29tZXRoaW5nLWVsc2U' }, /challenge/],
      ['no user verification', { userVerified: false }, /User verification/],
      ['no user presence', { userPresent: false }, /not present/],
      ['wrong RP ID', { rpId: 'evil.example' }, /RP ID/],
      [
        'cross-origin iframe',
        { crossOrigin: true, topOrigin: 'https://evil.example' },
        /top origin/,
      ],
    ])('%s', async (_name, tweak, message) => {
      const authenticator = new SoftAuthenticator({ origin });
      const credential = await register(authenticator);
      await expect(authenticate(authenticator, credential, tweak)).rejects.toThrow(message);
    });

    it('signature by another key', async () => {
      const authenticator = new SoftAuthenticator({ origin, algorithm: 'ES256' });
      const credential = await register(authenticator);
      const { result } = await authenticate(authenticator, credential, { signWithOtherKey: true });
      expect(result.verified).toBe(false);
    });

    it('counter going backwards', async () => {
      const authenticator = new SoftAuthenticator({ origin });
      const credential = await register(authenticator);
      credential.counter = 5;
      await expect(authenticate(authenticator, credential, { counter: 3 })).rejects.toThrow(
        /counter/,
      );
    });
  });

  it('acts as a synced passkey when it keeps no counter', async () => {
    const authenticator = new SoftAuthenticator({
      origin,
      useCounter: false,
      backupEligible: true,
      backupState: true,
    });
    const credential = await register(authenticator);
    for (let i = 0; i < 2; i++) {
      const { result } = await authenticate(authenticator, credential);
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(0);
    }
  });

  it('clones its credentials onto "another device"', async () => {
    const phone = new SoftAuthenticator({ origin });
    const credential = await register(phone);
    const laptop = phone.clone();
    expect(laptop.credentials.map((c) => c.id)).toEqual([credential.id]);

    const viaLaptop = await authenticate(laptop, credential);
    expect(viaLaptop.result.verified).toBe(true);
    credential.counter = viaLaptop.result.authenticationInfo.newCounter;
    // The phone's copy of the counter did not move, so the server sees it go backwards.
    await expect(authenticate(phone, credential)).rejects.toThrow(/counter/);

    const restored = new SoftAuthenticator({ origin });
    restored.importCredentials(JSON.parse(JSON.stringify(phone.exportCredentials())));
    const { result } = await authenticate(restored, { ...credential, counter: 0 });
    expect(result.verified).toBe(true);
  });

  it('produces the JSON shape @simplewebauthn/browser returns', async () => {
    const authenticator = new SoftAuthenticator({ origin });
    const options = await registrationOptions();
    const registration: RegistrationResponseJSON = authenticator.createCredential(options);
    expect(Object.keys(registration).sort()).toEqual(
      [
        'authenticatorAttachment',
        'clientExtensionResults',
        'id',
        'rawId',
        'response',
        'type',
      ].sort(),
    );
    const clientData = JSON.parse(
      Buffer.from(registration.response.clientDataJSON, 'base64url').toString(),
    );
    expect(clientData).toEqual({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin,
      crossOrigin: false,
    });
    expect(registration.response.authenticatorData).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(registration.response.publicKey).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
