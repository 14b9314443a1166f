import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the catcher received, decoded. */
export interface Mail {
  /** Addresses of the To header, lower-case, comma-separated (usually just one). */
  to: string;
  /** Envelope recipients (RCPT TO), lower-case. */
  recipients: string[];
  /** The From header as `Name <address>` (no quotes), e.g. `Sesame <no-reply@localhost>`. */
  from: string;
  subject: string;
  text: string;
  /** The HTML part, or '' when the mail has none. */
  html: string;
  /** Lower-cased header names to their decoded values. */
  headers: Map<string, unknown>;
  /** The message as received. */
  raw: string;
}

/** A running SMTP server that keeps what it receives. */
export interface MailCatcher {
  /** `smtp://127.0.0.1:PORT`, fit for `SMTP_URL`. */
  url: string;
  port: number;
  /** Every message received so far, oldest first. */
  messages: Mail[];
  /**
   * Resolves with the oldest message to `to` (case-insensitive) matching `predicate` that no
   * earlier `waitFor` returned, waiting for it up to `timeoutMs` (default 5000).
   */
  waitFor(to: string, predicate?: (mail: Mail) => boolean, timeoutMs?: number): Promise<Mail>;
  /** Forgets every message received so far. */
  clear(): void;
  close(): Promise<void>;
}

interface Waiter {
  matches(mail: Mail): boolean;
  resolve(mail: Mail): void;
}

/**
 * Starts a real SMTP server on a free loopback port: no TLS, any or no authentication
 * accepted, every message parsed with mailparser and kept in memory.
 */
export async function startMailCatcher(): Promise<MailCatcher> {
  const messages: Mail[] = [];
  const taken = new Set<Mail>();
  const waiters: Waiter[] = [];

  const receive = (mail: Mail) => {
    messages.push(mail);
    const index = waiters.findIndex((w) => w.matches(mail));
    if (index >= 0) {
      const [waiter] = waiters.splice(index, 1);
      taken.add(mail);
      waiter!.resolve(mail);
    }
  };

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    // Clients upgrade opportunistically, and would then reject the built-in self-signed cert.
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anyone' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        parseMail(raw, recipients).then(
          (mail) => {
            receive(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  // A client that vanishes mid-session (a server killed on purpose) resets its connection;
  // smtp-server reports that as an 'error' event, which must not crash the test run.
  server.on('error', () => undefined);

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitFor(to, predicate = () => true, timeoutMs = 5000) {
      const address = to.trim().toLowerCase();
      const matches = (mail: Mail) =>
        !taken.has(mail) &&
        (mail.recipients.includes(address) || mail.to.split(', ').includes(address)) &&
        predicate(mail);
      const already = messages.find(matches);
      if (already) {
        taken.add(already);
        return Promise.resolve(already);
      }
      return new Promise<Mail>((resolve, reject) => {
        const waiter: Waiter = {
          matches,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          const seen = messages.map((m) => `  to ${m.to}: ${m.subject}`).join('\n') || '  (none)';
          reject(new Error(`No mail to ${address} within ${timeoutMs} ms; received:\n${seen}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    clear() {
      messages.length = 0;
      taken.clear();
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function parseMail(raw: Buffer, recipients: string[]): Promise<Mail> {
  const parsed = await simpleParser(raw);
  return {
    to: addresses(parsed.to).join(', '),
    recipients,
    from: (parsed.from?.value ?? [])
      .map(({ name, address }) => (name ? `${name} <${address}>` : (address ?? '')))
      .join(', '),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || '',
    headers: parsed.headers,
    raw: raw.toString('utf8'),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects
    .flatMap((o) => o.value)
    .map((a) => a.address?.toLowerCase())
    .filter((a): a is string => Boolean(a));
}

/**
 * The 6-digit code in a mail's text (SPEC §4: the sign-up code is the only 6-digit number in
 * the mail). Throws unless there is exactly one distinct such number.
 */
export function mailCode(mail: Mail): string {
  const codes = [...new Set(mail.text.match(/(?<!\d)\d{6}(?!\d)/g) ?? [])];
  if (codes.length !== 1) {
    throw new Error(`Expected one 6-digit code in "${mail.subject}", found ${codes.length}`);
  }
  return codes[0]!;
}

/** The http(s) links in a mail's text, in order, optionally only those starting with `prefix`. */
export function mailLinks(mail: Mail, prefix = ''): string[] {
  const links = mail.text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? [];
  return [...new Set(links)].filter((link) => link.startsWith(prefix));
}
