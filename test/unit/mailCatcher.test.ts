import nodemailer, { type SendMailOptions } from 'nodemailer';
import { mailCode, mailLinks, startMailCatcher, type MailCatcher } from '../support/mailCatcher.js';

describe('mail catcher', () => {
  let catcher: MailCatcher;
  beforeEach(async () => {
    catcher = await startMailCatcher();
  });
  afterEach(() => catcher.close());

  const send = (url: string, message: SendMailOptions) =>
    nodemailer.createTransport(url).sendMail({ from: 'Sesame <no-reply@localhost>', ...message });

  it('receives what nodemailer sends and decodes it', async () => {
    expect(catcher.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    await send(catcher.url, {
      to: 'Alice@Example.com',
      subject: 'Your Sesame code — ünïcode',
      text: 'Your code is 123456.\nOr open http://localhost:3000/interaction/abc?x=1 now.',
      html: '<p>Your code is <b>123456</b>.</p>',
    });

    const mail = await catcher.waitFor('alice@example.com');
    expect(mail.to).toBe('alice@example.com');
    expect(mail.recipients).toEqual(['alice@example.com']);
    expect(mail.from).toBe('Sesame <no-reply@localhost>');
    expect(mail.subject).toBe('Your Sesame code — ünïcode');
    expect(mail.text).toContain('Your code is 123456.');
    expect(mail.html).toBe('<p>Your code is <b>123456</b>.</p>');
    expect(mailCode(mail)).toBe('123456');
    expect(mailLinks(mail, 'http://localhost:3000/')).toEqual([
      'http://localhost:3000/interaction/abc?x=1',
    ]);
    expect(catcher.messages).toHaveLength(1);
  });

  it('waits for a mail that has not arrived yet, and hands each mail out once', async () => {
    const waiting = catcher.waitFor('bob@example.com', (m) => m.subject === 'second');
    await send(catcher.url, { to: 'bob@example.com', subject: 'first', text: 'one' });
    await send(catcher.url, { to: 'bob@example.com', subject: 'second', text: 'two' });
    expect((await waiting).subject).toBe('second');

    expect((await catcher.waitFor('BOB@example.com')).subject).toBe('first');
    await expect(catcher.waitFor('bob@example.com', undefined, 200)).rejects.toThrow(
      /No mail to bob@example.com within 200 ms/,
    );
  });

  it('accepts clients that authenticate', async () => {
    const url = catcher.url.replace('smtp://', 'smtp://user:secret@');
    await send(url, { to: 'carol@example.com', subject: 'hi', text: 'no code here' });
    const mail = await catcher.waitFor('carol@example.com');
    expect(mail.html).toBe('');
    expect(() => mailCode(mail)).toThrow(/found 0/);
  });

  it('clears what it holds', async () => {
    await send(catcher.url, { to: 'dan@example.com', subject: 'x', text: 'x' });
    await catcher.waitFor('dan@example.com');
    catcher.clear();
    expect(catcher.messages).toEqual([]);
  });
});
