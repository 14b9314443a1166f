import type { Renderer } from '../http/renderer.js';
import type { Mail } from './mailer.js';

/**
 * Renders `views/mail/<name>.txt.njk` and `.html.njk` into a mail. The subject always carries
 * the RP name, so people can tell where it came from.
 */
export function composeMail(
  renderer: Renderer,
  input: {
    to: string;
    name: string;
    subject: string;
    rpName: string;
    model: Record<string, unknown>;
  },
): Mail {
  return {
    to: input.to,
    subject: `${input.subject} — ${input.rpName}`,
    text: renderer.render(`mail/${input.name}.txt.njk`, input.model),
    html: renderer.render(`mail/${input.name}.html.njk`, input.model),
  };
}
