import nodemailer from 'nodemailer';
import type { Logger } from '../log/createLogger.js';
import { maskEmail } from '../log/maskEmail.js';

/** A subject for the log: a code in it (sign-up, email change) is a secret. */
export function maskCodes(subject: string): string {
  return subject.replace(/\d{6}/g, '••••••');
}

/** One outgoing mail with plain-text and HTML parts. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The mail port the account flows need. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Sends through `smtpUrl` with nodemailer; without one, writes each mail to the log instead
 * (development only — the caller warns at start). The recipient is masked in every log line.
 */
export function createMailer(options: {
  smtpUrl: string | undefined;
  from: string;
  logger: Logger;
}): Mailer {
  const { logger, from } = options;
  if (!options.smtpUrl) {
    return {
      async send(mail) {
        logger.info(
          { mail: { to: mail.to, subject: mail.subject, text: mail.text } },
          'mail (SMTP_URL unset, not sent)',
        );
      },
    };
  }
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      logger.info({ to: maskEmail(mail.to), subject: maskCodes(mail.subject) }, 'mail sent');
    },
  };
}
