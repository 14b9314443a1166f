import { createHash, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { encodeCbor, type CborValue } from './cbor.js';
import {
  COSE_ALGORITHM,
  algorithmFromCose,
  cosePublicKey,
  generatePrivateKey,
  signData,
  spkiPublicKey,
  type SoftAlgorithm,
} from './coseKey.js';

export type { SoftAlgorithm } from './coseKey.js';

/** AAGUIDs of well-known authenticators, for tests of authenticator names. */
export const KNOWN_AAGUIDS = {
  /** What Safari and many privacy-preserving authenticators report. */
  none: '00000000-0000-0000-0000-000000000000',
  googlePasswordManager: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4',
  iCloudKeychain: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
  windowsHello: '08987058-cadc-4b81-b6e1-30de50dcbe96',
} as const;

/** How a software authenticator behaves; every credential it creates inherits these. */
export interface SoftAuthenticatorOptions {
  /** Origin the simulated browser is on, e.g. `http://localhost:3000`. */
  origin: string;
  /** RP ID used when the options name none; defaults to the origin's host name. */
  rpId?: string;
  /** AAGUID in UUID form; defaults to all zeros. */
  aaguid?: string;
  /** BE flag: the credential can be synced (a "multiDevice" passkey). Default false. */
  backupEligible?: boolean;
  /** BS flag: the credential is currently backed up. Default false. */
  backupState?: boolean;
  /**
   * The only algorithm this authenticator supports. Unset: it supports ES256, EdDSA and RS256,
   * and takes ES256 when offered, else the first of those the options offer.
   */
  algorithm?: SoftAlgorithm;
  /** Whether it keeps a signature counter (synced passkeys usually report 0). Default true. */
  useCounter?: boolean;
  /** Transports reported at registration. Default `['internal', 'hybrid']`. */
  transports?: AuthenticatorTransport[];
  /** Reported authenticator attachment. Default `'platform'`. */
  attachment?: 'platform' | 'cross-platform';
  /** Whether it can store discoverable credentials (false: like an old security key). Default true. */
  residentKeys?: boolean;
}

/** A credential the authenticator holds. Live object: tests may change `counter`. */
export interface SoftCredential {
  /** Credential ID, base64url. */
  id: string;
  rpId: string;
  /** `user.id` from the creation options, base64url. */
  userHandle: string;
  userName: string;
  algorithm: SoftAlgorithm;
  privateKey: KeyObject;
  /** COSE_Key of the public key. */
  publicKey: Uint8Array;
  counter: number;
  discoverable: boolean;
  backupEligible: boolean;
  backupState: boolean;
  aaguid: string;
}

/** A {@link SoftCredential} as plain JSON (private key as PKCS#8 PEM), for export and import. */
export interface ExportedSoftCredential extends Omit<SoftCredential, 'privateKey' | 'publicKey'> {
  privateKeyPem: string;
}

/** Changes to one ceremony, mostly to make it hostile. Unset fields keep honest behaviour. */
export interface CeremonyTweak {
  /** `clientDataJSON.origin`. */
  origin?: string;
  /** `clientDataJSON.type`, e.g. `'webauthn.get'` in a registration. */
  type?: string;
  /** `clientDataJSON.challenge` (base64url), instead of the options' challenge. */
  challenge?: string;
  /** RP ID hashed into authenticatorData, instead of the options' RP ID. */
  rpId?: string;
  /** UP flag. Default true. */
  userPresent?: boolean;
  /** UV flag. Default true. */
  userVerified?: boolean;
  /** BE flag for this ceremony only. */
  backupEligible?: boolean;
  /** BS flag for this ceremony only. */
  backupState?: boolean;
  /** `clientDataJSON.crossOrigin`. Default false. */
  crossOrigin?: boolean;
  /** `clientDataJSON.topOrigin`, omitted unless set. */
  topOrigin?: string;
  /**
   * Signature counter to report instead (e.g. lower, to go backwards); the stored counter is
   * left alone, except at registration, where the credential starts from it.
   */
  counter?: number;
  /** Registration: the new credential's ID (base64url). Assertion: the held credential to use. */
  credentialId?: string;
}

/** Registration-only tweaks. */
export interface RegistrationTweak extends CeremonyTweak {
  /** Use this algorithm even if the options do not offer it. */
  algorithm?: SoftAlgorithm;
  /** Create the credential even if `excludeCredentials` names one this authenticator holds. */
  ignoreExcludeCredentials?: boolean;
  /** AAGUID for this credential. */
  aaguid?: string;
}

/** Assertion-only tweaks. */
export interface AssertionTweak extends CeremonyTweak {
  /** `response.userHandle` to send (base64url), or null to send none. */
  userHandle?: string | null;
  /** Sign with a fresh key of the same algorithm instead of the credential's key. */
  signWithOtherKey?: boolean;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
const DEFAULT_ALGORITHMS: SoftAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];

/**
 * A software WebAuthn authenticator plus the bit of browser around it: it answers
 * registration and authentication options with the JSON that `@simplewebauthn/browser`'s
 * `startRegistration`/`startAuthentication` return, built from real keys and real signatures
 * (`none` attestation), so servers verify them exactly as they verify a browser's.
 */
export class SoftAuthenticator {
  readonly origin: string;
  readonly rpId: string;
  readonly #options: SoftAuthenticatorOptions;
  readonly #credentials = new Map<string, SoftCredential>();

  constructor(options: SoftAuthenticatorOptions) {
    this.#options = { ...options };
    this.origin = new URL(options.origin).origin;
    this.rpId = options.rpId ?? new URL(options.origin).hostname;
  }

  /** The credentials held, oldest first (live objects). */
  get credentials(): SoftCredential[] {
    return [...this.#credentials.values()];
  }

  /** The held credential with this ID, or undefined. */
  credential(id: string): SoftCredential | undefined {
    return this.#credentials.get(id);
  }

  /** Forgets a credential, like deleting a passkey from a device. */
  removeCredential(id: string): boolean {
    return this.#credentials.delete(id);
  }

  /**
   * Answers `navigator.credentials.create()`: creates and stores a credential and returns a
   * RegistrationResponseJSON. Throws a DOMException named `InvalidStateError` when it already
   * holds an excluded credential and `NotSupportedError` when no offered algorithm fits.
   */
  createCredential(
    options: PublicKeyCredentialCreationOptionsJSON,
    tweak: RegistrationTweak = {},
  ): RegistrationResponseJSON {
    const rpId = options.rp.id ?? this.rpId;
    if (!tweak.ignoreExcludeCredentials) {
      const excluded = options.excludeCredentials?.find(
        (c) => this.#credentials.get(c.id)?.rpId === rpId,
      );
      if (excluded) {
        throw new DOMException(
          'The authenticator already holds an excluded credential',
          'InvalidStateError',
        );
      }
    }
    const algorithm = tweak.algorithm ?? this.#pickAlgorithm(options.pubKeyCredParams);
    const selection = options.authenticatorSelection;
    const wantsResident =
      selection?.requireResidentKey === true || selection?.residentKey === 'required';
    const residentKeys = this.#options.residentKeys ?? true;
    if (wantsResident && !residentKeys) {
      throw new DOMException(
        'The authenticator cannot store discoverable credentials',
        'NotSupportedError',
      );
    }

    const privateKey = generatePrivateKey(algorithm);
    const idBytes = tweak.credentialId
      ? Buffer.from(tweak.credentialId, 'base64url')
      : randomBytes(32);
    const credential: SoftCredential = {
      id: idBytes.toString('base64url'),
      rpId,
      userHandle: options.user.id,
      userName: options.user.name,
      algorithm,
      privateKey,
      publicKey: cosePublicKey(algorithm, privateKey),
      counter: tweak.counter ?? 0,
      discoverable: residentKeys && selection?.residentKey !== 'discouraged',
      backupEligible: this.#options.backupEligible ?? false,
      backupState: this.#options.backupState ?? false,
      aaguid: tweak.aaguid ?? this.#options.aaguid ?? KNOWN_AAGUIDS.none,
    };

    const clientDataJSON = this.#clientData('webauthn.create', options.challenge, tweak);
    const attestedCredentialData = Buffer.concat([
      uuidBytes(credential.aaguid),
      uint16(idBytes.length),
      idBytes,
      credential.publicKey,
    ]);
    const authenticatorData = Buffer.concat([
      this.#authDataHead(credential, tweak, FLAG_AT, rpId),
      attestedCredentialData,
    ]);
    const attestationObject = encodeCbor(
      new Map<string, CborValue>([
        ['fmt', 'none'],
        ['attStmt', new Map<CborValue, CborValue>()],
        ['authData', authenticatorData],
      ]),
    );

    this.#credentials.set(credential.id, credential);
    const clientExtensionResults = options.extensions?.credProps
      ? { credProps: { rk: credential.discoverable } }
      : {};
    return {
      id: credential.id,
      rawId: credential.id,
      response: {
        attestationObject: b64url(attestationObject),
        clientDataJSON: b64url(clientDataJSON),
        transports: [...(this.#options.transports ?? ['internal', 'hybrid'])],
        publicKeyAlgorithm: COSE_ALGORITHM[algorithm],
        publicKey: b64url(spkiPublicKey(privateKey)),
        authenticatorData: b64url(authenticatorData),
      },
      type: 'public-key',
      clientExtensionResults,
      authenticatorAttachment: this.#options.attachment ?? 'platform',
    };
  }

  /**
   * Answers `navigator.credentials.get()`: signs an assertion with a held credential named in
   * `allowCredentials` (or, if that is empty, any discoverable one for the RP ID) and returns an
   * AuthenticationResponseJSON. The counter goes up by one per assertion unless the
   * authenticator does not use counters. Throws a DOMException named `NotAllowedError` when it
   * holds no suitable credential.
   */
  getAssertion(
    options: PublicKeyCredentialRequestOptionsJSON,
    tweak: AssertionTweak = {},
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? this.rpId;
    const credential = this.#findCredential(options, rpId, tweak.credentialId);
    if (this.#options.useCounter ?? true) credential.counter += 1;
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge, tweak);
    const authenticatorData = this.#authDataHead(credential, tweak, 0, credential.rpId);
    const clientDataHash = createHash('sha256').update(clientDataJSON).digest();
    const key = tweak.signWithOtherKey
      ? generatePrivateKey(credential.algorithm)
      : credential.privateKey;
    const signature = signData(
      credential.algorithm,
      key,
      Buffer.concat([authenticatorData, clientDataHash]),
    );
    const userHandle =
      tweak.userHandle === undefined ? credential.userHandle : (tweak.userHandle ?? undefined);
    return {
      id: credential.id,
      rawId: credential.id,
      response: {
        authenticatorData: b64url(authenticatorData),
        clientDataJSON: b64url(clientDataJSON),
        signature: b64url(signature),
        ...(userHandle === undefined ? {} : { userHandle }),
      },
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: this.#options.attachment ?? 'platform',
    };
  }

  /** The credentials as JSON-safe records, to save or to move to another authenticator. */
  exportCredentials(): ExportedSoftCredential[] {
    return this.credentials.map(({ privateKey, publicKey: _publicKey, ...rest }) => ({
      ...rest,
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    }));
  }

  /** Adds exported credentials (replacing any with the same ID). */
  importCredentials(credentials: ExportedSoftCredential[]): void {
    for (const { privateKeyPem, ...rest } of credentials) {
      const privateKey = createPrivateKey(privateKeyPem);
      this.#credentials.set(rest.id, {
        ...rest,
        privateKey,
        publicKey: cosePublicKey(rest.algorithm, privateKey),
      });
    }
  }

  /**
   * Another authenticator holding copies of the same credentials (same keys, counters copied
   * and from then on independent): "the same synced passkey on another device".
   */
  clone(overrides: Partial<SoftAuthenticatorOptions> = {}): SoftAuthenticator {
    const copy = new SoftAuthenticator({ ...this.#options, ...overrides });
    copy.importCredentials(this.exportCredentials());
    return copy;
  }

  #pickAlgorithm(params: PublicKeyCredentialCreationOptionsJSON['pubKeyCredParams']) {
    // WebAuthn: an empty list means ES256 and RS256.
    const offered = (params.length ? params.map((p) => p.alg) : [-7, -257])
      .map((alg) => algorithmFromCose(alg))
      .filter((alg): alg is SoftAlgorithm => alg !== undefined);
    const supported = this.#options.algorithm ? [this.#options.algorithm] : DEFAULT_ALGORITHMS;
    const usable = offered.filter((alg) => supported.includes(alg));
    const chosen = usable.includes('ES256') ? 'ES256' : usable[0];
    if (!chosen) {
      throw new DOMException(
        `The authenticator supports none of the offered algorithms (${supported.join(', ')})`,
        'NotSupportedError',
      );
    }
    return chosen;
  }

  #findCredential(
    options: PublicKeyCredentialRequestOptionsJSON,
    rpId: string,
    credentialId: string | undefined,
  ): SoftCredential {
    const held = this.credentials;
    const allowed = options.allowCredentials ?? [];
    const found = credentialId
      ? this.#credentials.get(credentialId)
      : allowed.length
        ? held.find((c) => c.rpId === rpId && allowed.some((a) => a.id === c.id))
        : held.find((c) => c.rpId === rpId && c.discoverable);
    if (!found) {
      throw new DOMException(
        `The authenticator holds no usable credential for ${rpId}`,
        'NotAllowedError',
      );
    }
    return found;
  }

  #clientData(type: string, challenge: string, tweak: CeremonyTweak): Buffer {
    const clientData: Record<string, unknown> = {
      type: tweak.type ?? type,
      // A browser decodes the challenge and encodes it again, dropping any padding.
      challenge: tweak.challenge ?? Buffer.from(challenge, 'base64url').toString('base64url'),
      origin: tweak.origin ?? this.origin,
      crossOrigin: tweak.crossOrigin ?? false,
    };
    if (tweak.topOrigin !== undefined) clientData.topOrigin = tweak.topOrigin;
    return Buffer.from(JSON.stringify(clientData));
  }

  /** rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian). */
  #authDataHead(
    credential: SoftCredential,
    tweak: CeremonyTweak,
    extraFlags: number,
    rpId: string,
  ): Buffer {
    let flags = extraFlags;
    if (tweak.userPresent ?? true) flags |= FLAG_UP;
    if (tweak.userVerified ?? true) flags |= FLAG_UV;
    if (tweak.backupEligible ?? credential.backupEligible) flags |= FLAG_BE;
    if (tweak.backupState ?? credential.backupState) flags |= FLAG_BS;
    const useCounter = this.#options.useCounter ?? true;
    const counter = tweak.counter ?? (useCounter ? credential.counter : 0);
    const signCount = Buffer.alloc(4);
    signCount.writeUInt32BE(counter);
    return Buffer.concat([
      createHash('sha256')
        .update(tweak.rpId ?? rpId)
        .digest(),
      Buffer.of(flags),
      signCount,
    ]);
  }
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function uint16(n: number): Buffer {
  const buf = Buffer.alloc(2);
  buf.writeUInt16BE(n);
  return buf;
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`Not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}
