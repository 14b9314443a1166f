import type { HttpAgent } from './httpAgent.js';
import { mailLinks, type Mail, type MailCatcher } from './mailCatcher.js';
import { csrfOf, postJson } from './passkeyFlows.js';
import type { SoftAuthenticator } from './softAuthenticator.js';

/** Fills in "Lost your passkey?" on the interaction `uid`; returns the form POST's response. */
export async function requestRecovery(
  agent: HttpAgent,
  issuer: string,
  uid: string,
  email: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const page = await agent.request(`/interaction/${uid}/recovery`, { headers });
  const csrf = csrfOf(await page.text());
  return agent.request(`/interaction/${uid}/recovery`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: new URL(issuer).origin,
      ...headers,
    },
    body: new URLSearchParams({ email, _csrf: csrf }).toString(),
  });
}

/** The recovery link in a mail (the one link to `/recovery?token=` starting with `issuer`). */
export function recoveryLinkOf(mail: Mail, issuer: string): string {
  const links = mailLinks(mail, `${issuer}/recovery?token=`);
  if (links.length !== 1) throw new Error(`expected one recovery link in "${mail.subject}"`);
  return links[0]!;
}

/** Waits for the recovery mail to `email` and returns its link. */
export async function recoveryLinkFor(
  mail: MailCatcher,
  email: string,
  issuer: string,
): Promise<string> {
  const message = await mail.waitFor(email, (m) => m.subject.startsWith('Create a new passkey'));
  return recoveryLinkOf(message, issuer);
}

/** The token of a recovery link. */
export function tokenOf(link: string): string {
  return new URL(link).searchParams.get('token') ?? '';
}

/**
 * Opens a recovery link and runs "Create passkey" with `authenticator`, as the page script does:
 * GET the page, POST options, create the credential, POST verify to the page's verify path.
 */
export async function completeRecovery(
  agent: HttpAgent,
  issuer: string,
  link: string,
  authenticator: SoftAuthenticator,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { redirectTo?: string; error?: string; error_description?: string };
}> {
  const page = await agent.request(link, { headers });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`recovery page answered ${page.status}`);
  const verifyPath = /data-verify="([^"]+)"/.exec(html)?.[1];
  if (!verifyPath) throw new Error('no verify path on the recovery page');
  const token = tokenOf(link);
  const options = await postJson(agent, '/recovery/options', { token });
  if (options.status !== 200)
    throw new Error(`recovery options: ${options.status} ${JSON.stringify(options.body)}`);
  const response = authenticator.createCredential(options.body as never);
  const res = await agent.request(verifyPath, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Origin: new URL(issuer).origin,
      ...headers,
    },
    body: JSON.stringify({ token, response }),
  });
  return { status: res.status, body: (await res.json()) as never };
}
