/** Hostile web conditions: framing, script injection, caching, cookie flags, cross-site posts. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHttpAgent } from '../support/httpAgent.js';
import { openInteraction, startSignUp, csrfOf } from '../support/passkeyFlows.js';
import { connectRp } from '../support/relyingParty.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { startConformance, type Conformance } from '../conformance/conformanceFixture.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c?.close();
});

async function signInPage() {
  const agent = createHttpAgent(c.sesame.issuer);
  const url = await c.rp.authorizationUrl();
  const first = await agent.request(url);
  const res = await agent.request(new URL(first.headers.get('location')!, c.sesame.issuer));
  return { agent, res, html: await res.text() };
}

/** Registers an app named `name`, signs the person in, and follows the app's authorization. */
async function landAtNewApp(name: string) {
  const rp = await connectRp(c.sesame, { name, redirectUris: [c.callback.redirectUri] });
  const { agent } = await c.login();
  return { agent, landed: await c.land(agent, await rp.authorizationUrl()) };
}

describe('pages', () => {
  test('CSP allows scripts only by per-request nonce; no inline script without it; no framing', async () => {
    const a = await signInPage();
    const b = await signInPage();
    const csp = a.res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(/'nonce-([^']+)'/.exec(b.res.headers.get('content-security-policy')!)![1]).not.toBe(
      nonce,
    );
    for (const tag of a.html.match(/<script[^>]*>/g) ?? [])
      expect(tag).toContain(`nonce="${nonce}"`);
    // Inline content only in a non-executable JSON data block (the page script's messages).
    expect(a.html).not.toMatch(
      /<script(?![^>]*src=)(?![^>]*type="application\/json")[^>]*>[^<]+<\/script>/,
    );
    expect(a.res.headers.get('x-frame-options')).toBe('DENY');
    expect(a.res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('interaction pages and token responses are never cached', async () => {
    const { res } = await signInPage();
    expect(res.headers.get('cache-control')).toBe('no-store');
    const token = await fetch(`${c.sesame.issuer}/token`, { method: 'POST' });
    expect(token.headers.get('cache-control')).toMatch(/no-store/);
  });

  test('session cookies are HttpOnly and SameSite=Lax', async () => {
    const agent = createHttpAgent(c.sesame.issuer);
    const res = await agent.request(await c.rp.authorizationUrl());
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie.toLowerCase()).toContain('httponly');
      expect(cookie.toLowerCase()).toContain('samesite=lax');
    }
  });

  test('a client name with markup is escaped on the consent page', async () => {
    const { landed } = await landAtNewApp('<img src=x onerror=alert(1)>');
    expect(landed.html).toContain('name="decision"');
    expect(landed.html).not.toContain('<img src=x');
    expect(landed.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('consent POST answers 303; a cross-site consent POST is refused', async () => {
    const { agent, landed } = await landAtNewApp('Needs consent');
    const uid = landed.url.pathname.split('/')[2]!;
    const csrf = csrfOf(landed.html);
    const cross = await agent.request(`/interaction/${uid}/consent`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
        'Sec-Fetch-Site': 'cross-site',
      },
      body: new URLSearchParams({ decision: 'allow', _csrf: csrf }).toString(),
    });
    expect(cross.status).toBe(403);
    const forged = await agent.postForm(`/interaction/${uid}/consent`, {
      decision: 'allow',
      _csrf: 'forged',
    });
    expect(forged.status).toBe(403);
    const ok = await agent.postForm(`/interaction/${uid}/consent`, {
      decision: 'allow',
      _csrf: csrf,
    });
    expect(ok.status).toBe(303);
  });

  test('a name with markup never reaches the sign-up mail, escaped or not', async () => {
    const { agent } = await signInPage();
    const { uid } = await openInteraction(agent, await c.rp.authorizationUrl());
    const res = await startSignUp(agent, uid, 'markup@example.com', '<script>alert(1)</script>');
    expect(res.status).toBe(303);
    const mail = await c.mail.waitFor('markup@example.com');
    // The address has proven nothing yet, so the mail carries none of the form's words
    // (mailHostile); markup in particular reaches neither part, raw or escaped.
    for (const part of [mail.html, mail.text]) expect(part).not.toMatch(/script|alert/);
  });

  test('an unknown path is a 404 page, not a stack trace', async () => {
    const res = await fetch(`${c.sesame.issuer}/nope/../../etc/passwd`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('There is no page at this address');
    expect(html).not.toMatch(/at \w+ \(/);
  });

  test('static files cannot be reached by path traversal', async () => {
    for (const path of [
      '/static/../package.json',
      '/static/%2e%2e/package.json',
      '/static/..%2fpackage.json',
    ]) {
      const res = await fetch(`${c.sesame.issuer}${path}`);
      expect(res.status).toBe(404);
    }
  });
});

describe('behind an https proxy', () => {
  let sesame: RunningSesame;
  let mail: MailCatcher;
  beforeAll(async () => {
    mail = await startMailCatcher();
    sesame = await startSesame({
      SMTP_URL: mail.url,
      ISSUER: 'https://id.sesame.test',
      TRUST_PROXY: 'true',
      METRICS_TOKEN: 'metrics-token-for-the-https-test',
    });
  });
  afterAll(async () => {
    await sesame?.close();
    await mail?.close();
  });

  test('HSTS is sent, and cookies are Secure when the proxy says https', async () => {
    const client = await sesame.registerClient({
      name: 'S',
      redirectUris: ['https://app.test/cb'],
    });
    const res = await fetch(
      `${sesame.localUrl}/auth?client_id=${client.client_id}&redirect_uri=${encodeURIComponent('https://app.test/cb')}&response_type=code&scope=openid&state=s`,
      {
        headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'id.sesame.test' },
        redirect: 'manual',
      },
    );
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie.toLowerCase()).toContain('secure');
  });
});
