import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ROOT_DIR } from '../../src/config/paths.js';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { csrfOf, signUpPerson, type SignedUpPerson } from '../support/passkeyFlows.js';
import { connectRp } from '../support/relyingParty.js';
import { runCli } from '../support/runCli.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

// The README's example device client (examples/deviceClient.mjs) run as a person would run it:
// it prints a QR code and a code, the person approves on their phone, it prints the claims.

const REDIRECT = 'http://127.0.0.1:9/callback';
let sesame: RunningSesame;
let mail: MailCatcher;
let person: SignedUpPerson;
let child: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
  const rp = await connectRp(sesame, { name: 'Web', redirectUris: [REDIRECT] });
  person = await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: 'cli@example.com', name: 'Cli User' },
  );
}, 30_000);

afterAll(async () => {
  child?.kill();
  await sesame?.close();
  await mail?.close();
});

test('examples/deviceClient.mjs shows a QR code and the code, and prints the claims once the person approves', async () => {
  // Registered with the README's command.
  const added = await runCli(
    ['client', 'add', '--name', 'Terminal', '--device', '--public', '--json'],
    { DATA_DIR: sesame.dataDir, ISSUER: sesame.issuer },
  );
  expect(added).toMatchObject({ code: 0 });
  const { client_id: clientId } = JSON.parse(added.stdout) as { client_id: string };
  const proc = spawn(process.execPath, ['examples/deviceClient.mjs'], {
    cwd: ROOT_DIR,
    env: { ...process.env, ISSUER: sesame.issuer, CLIENT_ID: clientId, NODE_OPTIONS: '' },
  });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const userCode = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    proc.on('exit', () => reject(new Error(`example exited early: ${stdout}${stderr}`)));
  });
  // A terminal QR code: lines of block characters.
  expect(stdout).toMatch(/[█▀▄]{10,}/);
  expect(stdout).toContain(`open ${sesame.issuer}/device`);

  // On the phone (already signed in to Sesame): the code, consent, done.
  const { agent } = person;
  const form = await (await agent.request(`/device?user_code=${userCode}`)).text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)![1]!;
  const posted = await agent.postForm('/device', { xsrf, user_code: userCode, confirm: 'yes' });
  const consent = await agent.follow(new URL(posted.headers.get('location')!, sesame.issuer));
  const uid = consent.url.pathname.split('/')[2]!;
  const allowed = await agent.postForm(`/interaction/${uid}/consent`, {
    decision: 'allow',
    _csrf: csrfOf(await consent.response.text()),
  });
  await agent.follow(new URL(allowed.headers.get('location')!, sesame.issuer));

  expect(await exited).toBe(0);
  const claims = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, unknown>;
  expect(claims).toMatchObject({ sub: person.sub, email: 'cli@example.com', aud: clientId });
}, 30_000);
