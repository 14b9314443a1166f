import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createRenderer } from '../../src/http/renderer.js';
import { loadCatalogue } from '../../src/i18n/catalogue.js';
import { negotiateLocale, parseAcceptLanguage } from '../../src/i18n/negotiateLocale.js';
import { safeReturnPath } from '../../src/http/localeRoutes.js';

const supported = ['de', 'en', 'fr'];

describe('negotiateLocale', () => {
  test('the switcher’s choice, then ui_locales, then Accept-Language, then the default', () => {
    const all = { chosen: 'fr', uiLocales: 'de', acceptLanguage: 'en' };
    expect(negotiateLocale(all, supported, 'en')).toBe('fr');
    expect(negotiateLocale({ ...all, chosen: undefined }, supported, 'en')).toBe('de');
    expect(negotiateLocale({ acceptLanguage: 'fr' }, supported, 'en')).toBe('fr');
    expect(negotiateLocale({}, supported, 'de')).toBe('de');
    // Signed in: the account's saved language comes after the switcher, before the rest.
    expect(negotiateLocale({ ...all, saved: 'de' }, supported, 'en')).toBe('fr');
    expect(negotiateLocale({ saved: 'de', uiLocales: 'fr' }, supported, 'en')).toBe('de');
  });

  test('unsupported ui_locales fall through; region tags match their base language', () => {
    expect(negotiateLocale({ uiLocales: 'ja es-MX fr-CA' }, supported, 'en')).toBe('fr');
    expect(negotiateLocale({ uiLocales: 'ja', acceptLanguage: 'de-AT' }, supported, 'en')).toBe(
      'de',
    );
    expect(negotiateLocale({ chosen: 'xx', acceptLanguage: 'it' }, supported, 'en')).toBe('en');
  });

  test('Accept-Language is ordered by q, and q=0 means not wanted', () => {
    expect(parseAcceptLanguage('en;q=0.5, fr-CH, de;q=0.9, *;q=0.1')).toEqual([
      'fr-CH',
      'de',
      'en',
      '*',
    ]);
    expect(negotiateLocale({ acceptLanguage: 'fr;q=0, de;q=0.2' }, supported, 'en')).toBe('de');
    expect(negotiateLocale({ acceptLanguage: ';;;,,q=abc' }, supported, 'en')).toBe('en');
  });
});

describe('catalogue', () => {
  const catalogue = loadCatalogue({ defaultLocale: 'en' });

  test('looks messages up in the language asked for, falling back to the default', () => {
    expect(catalogue.t('de', 'signIn.title')).toBe('Anmelden');
    expect(catalogue.t('fr', 'signIn.title')).toBe('Se connecter');
    expect(catalogue.t('en', 'errors.unknown_passkey', { rpName: 'Acme' })).toBe(
      'This passkey is not registered with Acme.',
    );
    expect(catalogue.dir('de')).toBe('ltr');
    expect(catalogue.nativeName('de')).toBe('Deutsch');
  });

  test('messages translated once stay right per language, brand and escaping mode', () => {
    const brand = (rpName: string, locale = 'en') =>
      catalogue.t(locale, 'errors.unknown_passkey', { rpName });
    // Asked twice each, in turns: a cache keyed too loosely would answer with another's text.
    for (let i = 0; i < 2; i++) {
      expect(brand('Acme')).toBe('This passkey is not registered with Acme.');
      expect(brand('Other & Co')).toBe('This passkey is not registered with Other & Co.');
      expect(catalogue.html('en', 'errors.unknown_passkey', { rpName: 'Other & Co' })).toBe(
        'This passkey is not registered with Other &amp; Co.',
      );
      expect(brand('Acme', 'de')).not.toBe(brand('Acme'));
      expect(brand('Acme', 'de')).toContain('Acme');
    }
    // Values other than the brand are never cached: each call interpolates its own.
    const a = catalogue.t('en', 'errorPage.backTo', { app: 'One' });
    const b = catalogue.t('en', 'errorPage.backTo', { app: 'Two' });
    expect(a).toContain('One');
    expect(b).toContain('Two');
    expect(catalogue.namespace('de', 'script')).toBe(catalogue.namespace('de', 'script'));
    expect(catalogue.namespace('de', 'script')).not.toEqual(catalogue.namespace('en', 'script'));
  });

  test('LOCALES_DIR overrides single messages and may add a language', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sesame-locales-'));
    writeFileSync(path.join(dir, 'de.json'), JSON.stringify({ signIn: { title: 'Einloggen' } }));
    writeFileSync(path.join(dir, 'nl.json'), JSON.stringify({ signIn: { title: 'Inloggen' } }));
    const custom = loadCatalogue({ defaultLocale: 'de', overridesDir: dir });
    expect(custom.t('de', 'signIn.title')).toBe('Einloggen');
    expect(custom.t('de', 'signIn.withPasskey')).toBe('Mit einem Passkey anmelden');
    expect(custom.t('nl', 'signIn.title')).toBe('Inloggen');
    // A language with few messages falls back to DEFAULT_LOCALE, then English.
    expect(custom.t('nl', 'signIn.withPasskey')).toBe('Mit einem Passkey anmelden');
    expect(custom.locales).toEqual(['de', 'en', 'fr', 'nl']);
  });

  test('a broken override file stops the start naming the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sesame-locales-'));
    writeFileSync(path.join(dir, 'fr.json'), '{ nope');
    expect(() => loadCatalogue({ defaultLocale: 'en', overridesDir: dir })).toThrow(/fr\.json/);
  });
});

describe('templates', () => {
  const renderer = createRenderer({
    rpName: 'R&D <Sesame>',
    catalogue: loadCatalogue({ defaultLocale: 'en' }),
  });
  const hostile = '<img src=x onerror=alert(1)> & "q"';

  test('interpolated values are HTML-escaped exactly once, in plain and Html messages', () => {
    // signIn.continueToHtml keeps its own <strong>; signIn.title is escaped whole.
    const html = renderer.render('signIn.njk', {
      clientName: hostile,
      uid: 'u1',
      email: '',
      languages: [],
      scriptMessages: '{}',
    });
    const once = '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;';
    expect(html).toContain(`<strong>${once}</strong>`);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('&amp;lt;');
    expect(html).toContain('<title>Sign in · R&amp;D &lt;Sesame&gt;</title>');
  });

  test('plain-text mail templates are not HTML-escaped', () => {
    const text = renderer.render('mail/signupExisting.txt.njk', { issuer: 'http://x' });
    expect(text).toContain('R&D <Sesame>');
  });
});

test('the switcher returns only to paths on this site', () => {
  expect(safeReturnPath('/interaction/abc?x=1')).toBe('/interaction/abc?x=1');
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '', 5])
    expect(safeReturnPath(bad)).toBe('/');
});
