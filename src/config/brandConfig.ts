import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LOCALES_DIR } from './paths.js';

/** The card background in dark mode (public/sesame.css `--card`), for the accent check. */
export const DARK_CARD = '#292524';
/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

/** `#rgb` or `#rrggbb` → [r, g, b] in 0–255. */
export function parseHex(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1–21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The accent for dark mode: `color` itself if it reads at 4.5:1 on the dark card, else `color`
 * mixed towards white in steps until it does (a dark brand blue becomes a lighter blue).
 */
export function darkModeAccent(color: string): string {
  const rgb = parseHex(color);
  for (let mix = 0; mix <= 1.0001; mix += 0.05) {
    const hex =
      '#' +
      rgb
        .map((v) => Math.round(v + (255 - v) * mix))
        .map((v) => v.toString(16).padStart(2, '0'))
        .join('');
    if (contrastRatio(hex, DARK_CARD) >= MIN_CONTRAST) return hex;
  }
  return '#ffffff';
}

/** Text on an accent-coloured button: white or near-black, whichever reads better. */
export function textOn(color: string): string {
  return contrastRatio(color, '#ffffff') >= contrastRatio(color, '#0c0a09') ? '#ffffff' : '#0c0a09';
}

const localeTag = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

/** The environment variables of SPEC.md §13 (languages and branding), validated. */
export const brandEnvSchema = {
  DEFAULT_LOCALE: z
    .string()
    .regex(localeTag, 'must be a language tag such as en, de or fr')
    .default('en'),
  LOCALES_DIR: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || (existsSync(v) && statSync(v).isDirectory()),
      'must be a folder that exists',
    ),
  BRAND_LOGO_URL: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || /^\/(?![/\\])\S*$/.test(v) || /^https?:\/\/[^\s/]+\/?\S*$/.test(v),
      'must be an https URL or a path on this server such as /static/logo.svg',
    ),
  BRAND_COLOR: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || /^#([0-9a-fA-F]{3}){1,2}$/.test(v),
      'must be a hex colour such as #1d4ed8',
    )
    .superRefine((v, ctx) => {
      if (v === undefined || !/^#([0-9a-fA-F]{3}){1,2}$/.test(v)) return;
      const ratio = contrastRatio(v, '#ffffff');
      if (ratio < MIN_CONTRAST)
        ctx.addIssue({
          code: 'custom',
          message: `has a contrast of ${ratio.toFixed(2)}:1 on white; it needs at least ${MIN_CONTRAST}:1 to be readable (choose a darker colour)`,
        });
    }),
};

/** The languages there are message files for: built-in plus the operator's folder. */
export function availableLocales(localesDir: string | undefined): string[] {
  const names = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.basename(f, '.json'));
  return [...new Set([...names(LOCALES_DIR), ...(localesDir ? names(localesDir) : [])])].sort();
}
