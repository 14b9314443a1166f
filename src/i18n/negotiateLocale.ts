/**
 * Picks the page language: the person's own choice (the language switcher's cookie), their
 * saved language (when signed in), the app's `ui_locales`, the browser's `Accept-Language`,
 * then `fallback`. Each candidate matches a supported language exactly or by its base
 * language (`de-CH` → `de`).
 */
export function negotiateLocale(
  input: {
    chosen?: string | undefined;
    saved?: string | undefined;
    uiLocales?: string | undefined;
    acceptLanguage?: string | undefined;
  },
  supported: readonly string[],
  fallback: string,
): string {
  const candidates = [
    ...(input.chosen ? [input.chosen] : []),
    ...(input.saved ? [input.saved] : []),
    ...(input.uiLocales ?? '').split(/\s+/),
    ...parseAcceptLanguage(input.acceptLanguage ?? ''),
  ];
  for (const candidate of candidates) {
    const found = matchLocale(candidate, supported);
    if (found) return found;
  }
  return fallback;
}

/** The supported language `tag` names, exactly or by its base language; else `undefined`. */
export function matchLocale(tag: string, supported: readonly string[]): string | undefined {
  const wanted = tag.trim().toLowerCase();
  if (!wanted || wanted === '*') return undefined;
  const exact = supported.find((s) => s.toLowerCase() === wanted);
  if (exact) return exact;
  const base = wanted.split('-')[0];
  return supported.find((s) => s.toLowerCase() === base);
}

/** The language tags of an `Accept-Language` header, most wanted first (`q=0` dropped). */
export function parseAcceptLanguage(header: string): string[] {
  return header
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((e) => e.tag && e.q > 0 && !Number.isNaN(e.q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((e) => e.tag);
}
