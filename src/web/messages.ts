/** The page's words for the script, from its JSON island (the server owns every text). */
const island = document.getElementById('sesame-messages');
const messages = JSON.parse(island?.textContent || '{}') as Record<string, string>;

/** The message `key`, with `{name}` placeholders filled from `values`. */
export function say(key: string, values: Record<string, string> = {}): string {
  const text = messages[key] ?? messages.generic ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}
