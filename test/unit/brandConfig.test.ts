import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { contrastRatio, DARK_CARD, darkModeAccent, textOn } from '../../src/config/brandConfig.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { brandStylesheet } from '../../src/http/brandStyles.js';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('branding and language configuration (SPEC §13)', () => {
  test('WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(contrastRatio('#fff', '#000')).toBeCloseTo(21, 5);
  });

  test('a readable accent and a logo are accepted', () => {
    const c = loadConfig({
      BRAND_COLOR: '#0F766E',
      BRAND_LOGO_URL: 'https://cdn.example.com/logo.svg',
      DEFAULT_LOCALE: 'de',
    });
    expect(c).toMatchObject({
      brandColor: '#0f766e',
      brandLogoUrl: 'https://cdn.example.com/logo.svg',
      defaultLocale: 'de',
    });
    expect(loadConfig({ BRAND_LOGO_URL: '/static/logo.svg' }).brandLogoUrl).toBe(
      '/static/logo.svg',
    );
    expect(loadConfig({}).defaultLocale).toBe('en');
  });

  test.each([
    [
      'BRAND_COLOR',
      '#ffcc00',
      /^BRAND_COLOR has a contrast of 1\.\d\d:1 on white; it needs at least 4\.5:1/,
    ],
    ['BRAND_COLOR', '#777', /^BRAND_COLOR has a contrast of 4\.4\d:1 on white/],
    ['BRAND_COLOR', 'teal', /^BRAND_COLOR must be a hex colour/],
    ['BRAND_LOGO_URL', 'javascript:alert(1)', /^BRAND_LOGO_URL must be an https URL or a path/],
    ['BRAND_LOGO_URL', '//evil.example/logo.png', /^BRAND_LOGO_URL must be/],
    ['DEFAULT_LOCALE', 'klingon!', /^DEFAULT_LOCALE must be a language tag/],
    ['DEFAULT_LOCALE', 'ja', /^DEFAULT_LOCALE has no message file \(there are: de, en, fr\)/],
    ['LOCALES_DIR', '/nonexistent/sesame-locales', /^LOCALES_DIR must be a folder that exists/],
  ])('%s=%s is refused with one line naming it', (name, value, message) => {
    expect(refusal({ [name]: value })).toMatch(message);
  });

  test('DEFAULT_LOCALE may name a language that only LOCALES_DIR provides', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sesame-locales-'));
    expect(refusal({ DEFAULT_LOCALE: 'nl', LOCALES_DIR: dir })).toMatch(/no message file/);
    // A language an operator adds: one file is enough (missing keys fall back).
    writeFileSync(path.join(dir, 'nl.json'), '{"signIn":{"title":"Inloggen"}}');
    expect(loadConfig({ DEFAULT_LOCALE: 'nl', LOCALES_DIR: dir }).defaultLocale).toBe('nl');
  });

  test('dark mode: the accent is lightened until it reads at 4.5:1 on the dark card', () => {
    for (const color of ['#1d4ed8', '#0f766e', '#7c2d12', '#000000', '#6d28d9']) {
      const dark = darkModeAccent(color);
      expect(contrastRatio(dark, DARK_CARD)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(dark, textOn(dark))).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(color, textOn(color))).toBeGreaterThanOrEqual(4.5);
    }
    // A colour already light enough for dark mode is kept as it is.
    expect(darkModeAccent('#60a5fa')).toBe('#60a5fa');
    const css = brandStylesheet('#0f766e');
    expect(css).toContain('--accent: #0f766e; --accent-text: #ffffff;');
    expect(css).toMatch(/prefers-color-scheme: dark[\s\S]*--accent: #[0-9a-f]{6}/);
  });

  test('npm start with an unreadable BRAND_COLOR stops at once with one line on stderr', () => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, BRAND_COLOR: '#fde047', NODE_OPTIONS: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^sesame: configuration error: BRAND_COLOR has a contrast of 1\.\d\d:1 on white; it needs at least 4\.5:1/,
    );
  });
});
