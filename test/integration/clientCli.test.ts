import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSesame, type RunningSesame } from '../support/startSesame.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { rpFor } from '../support/relyingParty.js';
import { createHttpAgent } from '../support/httpAgent.js';
import { openInteraction, signUpPerson } from '../support/passkeyFlows.js';

const run = promisify(execFile);
const REDIRECT = 'http://127.0.0.1:9/callback';
let sesame: RunningSesame;
let mail: MailCatcher;

/** Runs the real CLI (built) against the running server's data dir. */
async function sesameCli(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/sesame.js', ...args], {
      env: { ...process.env, DATA_DIR: sesame.dataDir, ISSUER: sesame.issuer, NODE_OPTIONS: '' },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
});
afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

describe('npx sesame client … beside a running server (embedded store)', () => {
  test('add → the running server serves the new app at once; list, show, rotate-secret, remove', async () => {
    const added = await sesameCli(
      'client',
      'add',
      '--name',
      'CLI App',
      '--redirect-uri',
      REDIRECT,
      '--json',
    );
    expect(added.code).toBe(0);
    const { client_id, client_secret } = JSON.parse(added.stdout) as {
      client_id: string;
      client_secret: string;
    };
    expect(client_secret.length).toBeGreaterThanOrEqual(40);

    const rp = await rpFor(sesame.issuer, { client_id, client_secret }, REDIRECT);
    const { agent, tokens } = await signUpPerson(
      { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
      { email: 'cli@example.com' },
    );
    expect(tokens.claims()!.email).toBe('cli@example.com');

    const list = JSON.parse((await sesameCli('client', 'list', '--json')).stdout) as {
      client_id: string;
    }[];
    expect(list.map((c) => c.client_id)).toContain(client_id);
    const shown = JSON.parse(
      (await sesameCli('client', 'show', client_id, '--json')).stdout,
    ) as Record<string, unknown>;
    expect(shown).toMatchObject({
      client_id,
      client_name: 'CLI App',
      redirect_uris: [REDIRECT],
      public: false,
      first_party: false,
    });
    expect(shown).not.toHaveProperty('client_secret');

    const rotated = JSON.parse(
      (await sesameCli('client', 'rotate-secret', client_id, '--json')).stdout,
    ) as { client_secret: string };
    expect(rotated.client_secret).not.toBe(client_secret);
    const oldSecret = await fetch(`${sesame.issuer}/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=authorization_code&code=x&redirect_uri=' + encodeURIComponent(REDIRECT),
    });
    expect(oldSecret.status).toBe(401);

    expect((await sesameCli('client', 'remove', client_id, '--json')).code).toBe(0);
    const gone = await agent.request(await rp.authorizationUrl());
    expect(gone.status).toBe(400);
    expect(await gone.text()).toContain('not registered');
    const again = await sesameCli('client', 'show', client_id, '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr)).toEqual({ error: `no client with id ${client_id}` });
  });

  test('a public client gets no secret', async () => {
    const added = await sesameCli(
      'client',
      'add',
      '--name',
      'SPA',
      '--redirect-uri',
      REDIRECT,
      '--public',
      '--json',
    );
    expect(JSON.parse(added.stdout)).toEqual({ client_id: expect.any(String) });
  });

  test.each([
    ['http://evil.example/cb', /https/],
    ['https://app.example/cb#frag', /fragment/],
    ['javascript:alert(1)', /https/],
    ['/relative', /absolute/],
    ['https://user:pw@app.example/cb', /user name or password/],
  ])('redirect URI %s is refused with a message and exit code 1', async (uri, message) => {
    const res = await sesameCli('client', 'add', '--name', 'Bad', '--redirect-uri', uri);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
  });

  test('--logo-uri registers the app’s logo (https only); the sign-in page shows it', async () => {
    const logo = 'https://notes.example/logo.png';
    const added = await sesameCli(
      'client',
      'add',
      '--name',
      'Notes',
      '--redirect-uri',
      REDIRECT,
      '--logo-uri',
      logo,
      '--json',
    );
    expect(added.code).toBe(0);
    const { client_id, client_secret } = JSON.parse(added.stdout) as {
      client_id: string;
      client_secret: string;
    };
    const shown = await sesameCli('client', 'show', client_id, '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ logo_uri: logo });
    const rp = await rpFor(sesame.issuer, { client_id, client_secret }, REDIRECT);
    const { html } = await openInteraction(
      createHttpAgent(sesame.issuer),
      await rp.authorizationUrl({ scope: 'openid' }),
    );
    expect(html).toContain(`<img class="app-logo" src="${logo}"`);
    for (const bad of ['http://notes.example/logo.png', 'javascript:alert(1)', 'logo.png']) {
      const refused = await sesameCli(
        'client',
        'add',
        '--name',
        'Bad',
        '--redirect-uri',
        REDIRECT,
        '--logo-uri',
        bad,
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/logo URL ".*" must be an https URL/);
    }
  });

  test('a missing --name is a usage error', async () => {
    const res = await sesameCli('client', 'add', '--redirect-uri', REDIRECT);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/--name/);
  });
});
