import type { Renderer } from '../http/renderer.js';
import type { Mail } from './mailer.js';

/**
 * Renders `views/mail/<name>.txt.njk` and `.html.njk` into a mail in `locale` (the language
 * the person signed up in; default: DEFAULT_LOCALE). `subject` is a catalogue key
 * (`mail.signupCode.subject`) filled with the model; the subject always carries the RP name,
 * so people can tell where it came from.
 */
export function composeMail(
  renderer: Renderer,
  input: {
    to: string;
    name: string;
    subject: string;
    rpName: string;
    locale?: string | undefined;
    model: Record<string, unknown>;
  },
): Mail {
  const { catalogue } = renderer;
  const locale =
    input.locale && catalogue.locales.includes(input.locale)
      ? input.locale
      : catalogue.defaultLocale;
  const model = { ...input.model, locale };
  const subject = catalogue.has(input.subject)
    ? catalogue.t(locale, input.subject, { rpName: input.rpName, ...input.model })
    : input.subject;
  return {
    to: input.to,
    subject: `${subject} — ${input.rpName}`,
    text: renderer.render(`mail/${input.name}.txt.njk`, model),
    html: renderer.render(`mail/${input.name}.html.njk`, model),
  };
}
