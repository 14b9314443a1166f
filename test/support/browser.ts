import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const INSTALL_HINT =
  'install with `apt-get install -y chromium` or set CHROME_PATH to a Chromium binary';

/** Chromium's path: `CHROME_PATH` or `/usr/bin/chromium`, or undefined when that file is missing. */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROME_PATH || '/usr/bin/chromium';
  return existsSync(path) ? path : undefined;
}

/**
 * Whether end-to-end browser tests can run. Without Chromium it warns loudly and returns false,
 * or throws when `REQUIRE_E2E=1` so that the suite fails instead of skipping.
 * Use as `(e2eEnabled() ? describe : describe.skip)(…)`.
 */
export function e2eEnabled(): boolean {
  if (chromiumPath()) return true;
  const where = process.env.CHROME_PATH
    ? `at CHROME_PATH=${process.env.CHROME_PATH}`
    : 'at /usr/bin/chromium';
  const message = `Chromium not found ${where}; ${INSTALL_HINT}`;
  if (process.env.REQUIRE_E2E === '1') {
    throw new Error(`E2E REQUIRED (REQUIRE_E2E=1) but ${message}`);
  }
  console.warn(`\n!!!!! E2E SKIPPED: ${message} !!!!!\n`);
  return false;
}

/** Launches headless Chromium through playwright-core with flags that suit a sandboxed CI box. */
export function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`Chromium not found; ${INSTALL_HINT}`);
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Options of CDP `WebAuthn.addVirtualAuthenticator`; defaults suit a platform passkey. */
export interface VirtualAuthenticatorOptions {
  protocol?: 'ctap2' | 'u2f';
  ctap2Version?: 'ctap2_0' | 'ctap2_1' | 'ctap2_2';
  transport?: 'usb' | 'nfc' | 'ble' | 'cable' | 'hybrid' | 'internal';
  hasResidentKey?: boolean;
  hasUserVerification?: boolean;
  isUserVerified?: boolean;
  automaticPresenceSimulation?: boolean;
  /** BE flag of new credentials (a synced passkey). */
  defaultBackupEligibility?: boolean;
  /** BS flag of new credentials. */
  defaultBackupState?: boolean;
}

/** A credential held by a CDP virtual authenticator (binary fields base64). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
  backupEligibility?: boolean;
  backupState?: boolean;
  userName?: string;
  userDisplayName?: string;
}

/** A CDP virtual authenticator attached to one page. */
export interface VirtualAuthenticator {
  authenticatorId: string;
  /** The credentials it holds now. */
  credentials(): Promise<VirtualCredential[]>;
  /** Whether user verification succeeds from now on. */
  setUserVerified(isUserVerified: boolean): Promise<void>;
  /** Puts a credential (e.g. one read from another authenticator) on this one: a synced passkey. */
  addCredential(credential: VirtualCredential): Promise<void>;
  remove(): Promise<void>;
}

/**
 * Adds a virtual WebAuthn authenticator to the page's browser over CDP: by default CTAP2,
 * internal transport, resident keys and user verification, presence simulated automatically.
 */
export async function addVirtualAuthenticator(
  page: Page,
  options: VirtualAuthenticatorOptions = {},
): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      ...options,
    },
  });
  return {
    authenticatorId,
    async credentials() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials;
    },
    async addCredential(credential) {
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
    },
    async setUserVerified(isUserVerified) {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified });
    },
    async remove() {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      await cdp.detach();
    },
  };
}
