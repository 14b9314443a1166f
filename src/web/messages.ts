/** The page's messages (`script.*` in locales/), rendered by the server in its language. */
const island = document.getElementById('messages');
const messages = JSON.parse(island?.textContent || '{}') as Record<string, string>;

/** The message `key` (`script.name`) with `{{value}}` placeholders filled in from `values`. */
export function t(key: string, values: Record<string, string> = {}): string {
  const text = messages[key.replace(/^script\./, '')] ?? messages.genericError ?? key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => values[name] ?? '');
}
