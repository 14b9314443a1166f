import { afterAll, beforeAll, expect } from '@jest/globals';
import { startMailCatcher, type MailCatcher } from './mailCatcher.js';
import { openapiValidator } from './openapiValidator.js';
import { connectRp, type RelyingParty } from './relyingParty.js';
import { runCli } from './runCli.js';
import { startSesame, type RunningSesame } from './startSesame.js';

/** A parsed JSON answer; tests read into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const REDIRECT = 'http://127.0.0.1:9/callback';

/** A running Sesame with an API token made by the real CLI and a validator for its document. */
export interface AdminApiWorld {
  sesame: RunningSesame;
  mail: MailCatcher;
  rp: RelyingParty;
  token: string;
  tokenId: string;
  cliEnv: Record<string, string>;
  api: ReturnType<typeof openapiValidator>;
  /** Calls the API and checks the answer against the OpenAPI document (`template` names the path). */
  call(
    method: string,
    template: string,
    options?: { path?: string; body?: unknown; auth?: string | null },
  ): Promise<{ status: number; body: Json; headers: Headers }>;
}

/** Starts the world before the suite's tests and closes it after them. */
export function useAdminApi(): AdminApiWorld {
  const world = {} as AdminApiWorld;
  world.call = async (method, template, options = {}) => {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? `Bearer ${world.token}` : options.auth;
    if (auth) headers.Authorization = auth;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${world.sesame.issuer}${options.path ?? template}`, {
      method,
      headers,
      body: payload,
    });
    const text = await res.text();
    expect(res.headers.get('content-type') ?? 'application/json').toContain('application/json');
    const body: Json = text ? JSON.parse(text) : undefined;
    world.api.check(template, method, res.status, body);
    return { status: res.status, body, headers: res.headers };
  };
  beforeAll(async () => {
    world.mail = await startMailCatcher();
    world.sesame = await startSesame({ SMTP_URL: world.mail.url });
    world.rp = await connectRp(world.sesame, { name: 'Tasks', redirectUris: [REDIRECT] });
    world.cliEnv = {
      DATA_DIR: world.sesame.dataDir,
      ISSUER: world.sesame.issuer,
      LOG_LEVEL: 'warn',
    };
    const created = await runCli(['token', 'create', '--name', 'deploy', '--json'], world.cliEnv);
    expect(created.code).toBe(0);
    const parsed = JSON.parse(created.stdout) as { token: string; id: string };
    world.token = parsed.token;
    world.tokenId = parsed.id;
    const res = await fetch(`${world.sesame.issuer}/admin/api/openapi.json`);
    world.api = openapiValidator((await res.json()) as Json);
  }, 60_000);
  afterAll(async () => {
    await world.sesame?.close();
    await world.mail?.close();
  });
  return world;
}
