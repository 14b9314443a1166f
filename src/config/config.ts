import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './configError.js';
import { relatedOriginsFrom } from './relatedOrigins.js';
import { availableLocales, brandEnvSchema } from './brandConfig.js';

/** Validated runtime configuration (SPEC.md §2). */
export interface Config {
  port: number;
  issuer: string;
  /** WebAuthn relying party id: the issuer's host name. */
  rpId: string;
  /** WebAuthn expected origin: the issuer's origin. */
  origin: string;
  dataDir: string;
  workers: number;
  mongodbUri: string | undefined;
  rpName: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /**
   * Whose `X-Forwarded-*` headers to honour: nobody (`false`), any peer (`true`, only behind a
   * proxy), or peers whose address is in this list of addresses and CIDRs.
   */
  trustProxy: TrustProxy;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `true` when ISSUER is https: cookies get `Secure`, responses get HSTS. */
  secure: boolean;
  /**
   * Benchmarks only: every rate limit's allowance is multiplied by this (default 1), so a load
   * test from one loopback address is not throttled while the limiter still does its work.
   */
  rateLimitMultiplier: number;
  /** Bearer token `/metrics` demands; unset: `/metrics` is open (block it at the proxy). */
  metricsToken: string | undefined;
  /** Extra origins accepted for passkeys, served at `/.well-known/webauthn` (SPEC.md §14). */
  relatedOrigins: string[];
  /** Language of pages and mails when nothing else chooses one (SPEC.md §13). */
  defaultLocale: string;
  /** The operator's message overrides, merged over `locales/`. */
  localesDir: string | undefined;
  /** Logo on pages and mails: an https URL or a path on this server. */
  brandLogoUrl: string | undefined;
  /** Accent colour (hex), at least 4.5:1 on white. */
  brandColor: string | undefined;
  /** `METRICS_PUBLIC=true`: an open `/metrics` on an https issuer is deliberate. */
  metricsPublic: boolean;
  /** Whether back-channel logout may reach private and loopback addresses (SPEC.md §15). */
  outboundPrivate: 'allow' | 'deny';
}

/** `TRUST_PROXY`: `false`, `true`, or the proxies' addresses and CIDRs (`10.0.0.0/8`, `::1`). */
export type TrustProxy = boolean | string[];

/** `true` for an IP address, or a CIDR whose prefix fits its address family. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export { ConfigError } from './configError.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(3000),
  ISSUER: z
    .string()
    .default('http://localhost:3000')
    .refine((v) => URL.canParse(v), 'must be an absolute URL such as https://id.example.com')
    .transform((v) => new URL(v))
    .refine((u) => u.protocol === 'https:' || u.protocol === 'http:', 'must use https (or http)')
    .refine(
      (u) => u.protocol === 'https:' || isLoopbackHost(u.hostname),
      'must use https unless the host is localhost or a loopback address',
    )
    .refine((u) => !u.search && !u.hash, 'must not have a query or fragment')
    .refine(
      (u) => u.pathname === '/',
      'must not have a path (Sesame serves from the root of its host)',
    )
    .refine((u) => !u.username && !u.password, 'must not contain credentials'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  WORKERS: z
    .string()
    .default('1')
    .refine(
      (v) => v === 'auto' || /^[1-9][0-9]{0,2}$/.test(v),
      'must be a positive number or "auto"',
    )
    .transform((v) => (v === 'auto' ? Math.max(1, os.availableParallelism()) : Number(v))),
  MONGODB_URI: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || /^mongodb(\+srv)?:\/\/.+/.test(v),
      'must start with mongodb:// or mongodb+srv://',
    )
    .transform((v) => (v ? v : undefined)),
  OUTBOUND_PRIVATE: z
    .enum(['allow', 'deny'], { message: 'must be allow or deny' })
    .default('allow'),
  RP_NAME: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .default('Sesame'),
  SMTP_URL: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || /^smtps?:\/\/[^/]+/.test(v),
      'must look like smtp://user:pass@host:587 or smtps://…',
    )
    .transform((v) => (v ? v : undefined)),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3, 'must be an address such as "Sesame <no-reply@example.com>"')
    .default('Sesame <no-reply@localhost>'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx): TrustProxy => {
      const flag = bool.safeParse(v.toLowerCase());
      if (flag.success) return flag.data;
      const list = v.split(',').map((entry) => entry.trim());
      if (list.every(isAddressOrCidr)) return list;
      ctx.addIssue({
        code: 'custom',
        message:
          'must be true or false, or a comma-separated list of proxy addresses/CIDRs such as 10.0.0.0/8,127.0.0.1',
      });
      return z.NEVER;
    }),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  // Benchmarks only (`npm run bench`): never set it in production.
  BENCH_RATE_LIMIT_MULTIPLIER: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 1000000')
    .max(1_000_000, 'must be between 1 and 1000000')
    .default(1),
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || /^[\x21-\x7e]{16,256}$/.test(v),
      'must be 16 to 256 printable characters without spaces',
    ),
  RELATED_ORIGINS: z.string().optional(),
  ...brandEnvSchema,
  METRICS_PUBLIC: bool.default(false),
});

/** `true` for localhost names and loopback addresses, where plain http is a secure context. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return (
    h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h)
  );
}

/**
 * Reads and validates configuration from `env` (default: `process.env`, after loading `.env`
 * from the working directory if present). Throws {@link ConfigError} with one line naming the
 * first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = readEnv()): Config {
  const parsed = schema.safeParse(emptyToUndefined(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'configuration');
    throw new ConfigError(
      `${name} ${issue?.message ?? 'is invalid'} (got ${JSON.stringify(env[name] ?? '')})`,
    );
  }
  const v = parsed.data;
  const locales = availableLocales(v.LOCALES_DIR);
  if (!locales.includes(v.DEFAULT_LOCALE)) {
    throw new ConfigError(
      `DEFAULT_LOCALE has no message file (there are: ${locales.join(', ')}) (got ${JSON.stringify(v.DEFAULT_LOCALE)})`,
    );
  }
  if (v.ISSUER.protocol === 'https:' && !v.METRICS_TOKEN && !v.METRICS_PUBLIC) {
    throw new ConfigError(
      'METRICS_TOKEN must be set when ISSUER is https (or set METRICS_PUBLIC=true to serve /metrics to anyone on purpose)',
    );
  }
  const issuer = v.ISSUER.href.replace(/\/$/, '');
  return {
    port: v.PORT,
    issuer,
    rpId: v.ISSUER.hostname.replace(/^\[|\]$/g, ''),
    origin: v.ISSUER.origin,
    dataDir: path.resolve(v.DATA_DIR),
    workers: v.WORKERS,
    mongodbUri: v.MONGODB_URI,
    rpName: v.RP_NAME,
    smtpUrl: v.SMTP_URL,
    mailFrom: v.MAIL_FROM,
    trustProxy: v.TRUST_PROXY,
    logLevel: v.LOG_LEVEL,
    secure: v.ISSUER.protocol === 'https:',
    rateLimitMultiplier: v.BENCH_RATE_LIMIT_MULTIPLIER,
    metricsToken: v.METRICS_TOKEN,
    relatedOrigins: relatedOriginsFrom(v.RELATED_ORIGINS, v.ISSUER.origin),
    defaultLocale: v.DEFAULT_LOCALE,
    localesDir: v.LOCALES_DIR ? path.resolve(v.LOCALES_DIR) : undefined,
    brandLogoUrl: v.BRAND_LOGO_URL,
    brandColor: v.BRAND_COLOR?.toLowerCase(),
    metricsPublic: v.METRICS_PUBLIC,
    outboundPrivate: v.OUTBOUND_PRIVATE,
  };
}

function readEnv(): NodeJS.ProcessEnv {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/** Treats `VAR=` like an unset variable, so defaults apply. */
function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    out[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  return out;
}
