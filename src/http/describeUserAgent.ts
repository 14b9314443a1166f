/**
 * A short, human label for a User-Agent string, e.g. "Chrome on Android" or "Safari on iPhone".
 * Good enough to tell a person's devices apart; never used for decisions.
 */
export function describeUserAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const browser = browserOf(userAgent);
  const system = systemOf(userAgent);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system;
}

function browserOf(ua: string): string | undefined {
  if (/\bEdg(e|A|iOS)?\//.test(ua)) return 'Edge';
  if (/\bOPR\/|\bOpera\b/.test(ua)) return 'Opera';
  if (/\bSamsungBrowser\//.test(ua)) return 'Samsung Internet';
  if (/\bFirefox\/|\bFxiOS\//.test(ua)) return 'Firefox';
  if (/\bHeadlessChrome\//.test(ua)) return 'Chrome (headless)';
  if (/\bChrom(e|ium)\/|\bCriOS\//.test(ua)) return 'Chrome';
  if (/\bSafari\//.test(ua) && /\bVersion\//.test(ua)) return 'Safari';
  if (/^sesame CLI/.test(ua)) return 'Sesame CLI';
  if (/\bnode\b|undici/i.test(ua)) return 'Node.js';
  return undefined;
}

function systemOf(ua: string): string | undefined {
  if (/\biPhone\b/.test(ua)) return 'iPhone';
  if (/\biPad\b/.test(ua)) return 'iPad';
  if (/\bAndroid\b/.test(ua)) return 'Android';
  if (/\bCrOS\b/.test(ua)) return 'ChromeOS';
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return 'macOS';
  if (/\bWindows\b/.test(ua)) return 'Windows';
  if (/\bLinux\b/.test(ua)) return 'Linux';
  return undefined;
}
