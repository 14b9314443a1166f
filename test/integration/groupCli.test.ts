import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';
import { signUpPerson } from '../support/passkeyFlows.js';
import { connectRp, type RelyingParty } from '../support/relyingParty.js';
import { runCli } from '../support/runCli.js';
import { startSesame, type RunningSesame } from '../support/startSesame.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
let sesame: RunningSesame;
let mail: MailCatcher;
let rp: RelyingParty;

beforeAll(async () => {
  mail = await startMailCatcher();
  sesame = await startSesame({ SMTP_URL: mail.url });
  rp = await connectRp(sesame, { name: 'Wiki', redirectUris: [REDIRECT] });
  await signUpPerson(
    { issuer: sesame.issuer, rp, redirectUri: REDIRECT, mail },
    { email: 'ann@example.com' },
  );
});
afterAll(async () => {
  await sesame?.close();
  await mail?.close();
});

/** Runs `sesame …args --json` beside the running server and parses what it printed. */
async function cli(...args: string[]) {
  const result = await runCli([...args, '--json'], {
    DATA_DIR: sesame.dataDir,
    ISSUER: sesame.issuer,
  });
  return { ...result, json: result.stdout ? (JSON.parse(result.stdout) as unknown) : undefined };
}

describe('npx sesame group … and user set-claim', () => {
  test('add, add-member, list, show, user show; remove-member, remove', async () => {
    expect((await cli('group', 'add', 'wiki-editors')).json).toEqual({
      name: 'wiki-editors',
      members: [],
    });
    expect((await cli('group', 'add-member', 'wiki-editors', 'ANN@example.com')).json).toEqual({
      name: 'wiki-editors',
      members: ['ann@example.com'],
    });
    expect((await cli('group', 'list')).json).toEqual([
      { name: 'wiki-editors', members: ['ann@example.com'] },
    ]);
    const shown = (await cli('group', 'show', 'wiki-editors')).json;
    expect(shown).toMatchObject({ name: 'wiki-editors', members: ['ann@example.com'], apps: [] });
    expect((await cli('user', 'show', 'ann@example.com')).json).toMatchObject({
      groups: ['wiki-editors'],
    });
    // Human output names the groups too.
    const human = await runCli(['user', 'show', 'ann@example.com'], {
      DATA_DIR: sesame.dataDir,
      ISSUER: sesame.issuer,
    });
    expect(human.stdout).toMatch(/groups\s+wiki-editors/);

    expect((await cli('group', 'remove-member', 'wiki-editors', 'ann@example.com')).json).toEqual({
      name: 'wiki-editors',
      members: [],
    });
    expect((await cli('group', 'remove', 'wiki-editors')).code).toBe(0);
    expect((await cli('group', 'list')).json).toEqual([]);
  });

  test('claims: set on a group and a person, shown by user show and group show, unset', async () => {
    await cli('group', 'add', 'staff');
    await cli('group', 'add-member', 'staff', 'ann@example.com');
    expect((await cli('group', 'set-claim', 'staff', 'department', '"all"')).code).toBe(0);
    expect((await cli('user', 'set-claim', 'ann@example.com', 'level', '{"n":3}')).code).toBe(0);
    expect((await cli('group', 'show', 'staff')).json).toMatchObject({
      claims: { department: 'all' },
    });
    expect((await cli('user', 'show', 'ann@example.com')).json).toMatchObject({
      claims: { level: { n: 3 } },
    });
    expect((await cli('user', 'unset-claim', 'ann@example.com', 'level')).code).toBe(0);
    expect((await cli('user', 'show', 'ann@example.com')).json).toMatchObject({ claims: {} });
  });

  test('refusals end with a clear message on stderr and exit 1, nothing changed', async () => {
    await cli('group', 'add', 'careful');
    await cli('group', 'set-claim', 'careful', 'department', '"all"');
    const cases: [string[], RegExp][] = [
      [['group', 'add', 'Bad Name'], /not a valid group name/],
      [['group', 'add', 'careful'], /already exists/],
      [['group', 'add-member', 'nope', 'ann@example.com'], /no group named nope/],
      [['group', 'add-member', 'careful', 'who@example.com'], /no account with email/],
      [
        ['user', 'set-claim', 'ann@example.com', 'email', '"x"'],
        /"email" cannot be a custom claim/,
      ],
      [['group', 'set-claim', 'careful', 'sub', '"x"'], /"sub" cannot be a custom claim/],
      [['group', 'set-claim', 'careful', 'team', 'engineering'], /must be JSON/],
      [['group', 'unset-claim', 'careful', 'missing'], /has no claim missing/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect((JSON.parse(result.stderr) as { error: string }).error).toMatch(message);
    }
    expect((await cli('group', 'show', 'careful')).json).toMatchObject({
      members: [],
      claims: { department: 'all' },
    });
  });

  test('a group that is an app’s only allowed group is not removed', async () => {
    await cli('group', 'add', 'ops');
    const app = await connectRp(sesame, {
      name: 'Grafana',
      redirectUris: [REDIRECT],
      allowedGroups: ['ops'],
    });
    const refused = await cli('group', 'remove', 'ops');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/only group allowed to use Grafana/);
    expect(refused.stderr).toContain('--no-allowed-groups');
    expect((await cli('group', 'show', 'ops')).json).toMatchObject({
      apps: [{ client_id: app.client.client_id, client_name: 'Grafana' }],
    });
  });
});
