import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('configuration (SPEC §2)', () => {
  test('defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      issuer: 'http://localhost:3000',
      rpId: 'localhost',
      origin: 'http://localhost:3000',
      workers: 1,
      mongodbUri: undefined,
      rpName: 'Sesame',
      smtpUrl: undefined,
      mailFrom: 'Sesame <no-reply@localhost>',
      trustProxy: false,
      logLevel: 'info',
      secure: false,
    });
    expect(c.dataDir).toMatch(/\/data$/);
  });

  test('an https issuer gives the RP ID, origin and secure cookies', () => {
    const c = loadConfig({
      ISSUER: 'https://id.example.com/',
      WORKERS: 'auto',
      TRUST_PROXY: 'true',
      MONGODB_URI: 'mongodb://db:27017/sesame',
      METRICS_TOKEN: 'a-metrics-token-for-https',
    });
    expect(c).toMatchObject({
      issuer: 'https://id.example.com',
      rpId: 'id.example.com',
      origin: 'https://id.example.com',
      secure: true,
      trustProxy: true,
    });
    expect(c.workers).toBeGreaterThanOrEqual(1);
    expect(c.mongodbUri).toBe('mongodb://db:27017/sesame');
  });

  test('an empty variable counts as unset', () => {
    expect(loadConfig({ PORT: '', SMTP_URL: '' })).toMatchObject({
      port: 3000,
      smtpUrl: undefined,
    });
  });

  test.each([
    ['PORT', 'abc', /^PORT must be a number/],
    ['PORT', '70000', /^PORT must be between 1 and 65535/],
    ['ISSUER', 'not a url', /^ISSUER must be an absolute URL/],
    ['ISSUER', 'http://id.example.com', /^ISSUER must use https unless/],
    ['ISSUER', 'https://id.example.com/path', /^ISSUER must not have a path/],
    ['ISSUER', 'https://id.example.com/?a=1', /^ISSUER must not have a query/],
    ['WORKERS', '0', /^WORKERS must be a positive number or "auto"/],
    ['MONGODB_URI', 'postgres://x', /^MONGODB_URI must start with mongodb:\/\//],
    ['SMTP_URL', 'http://mail', /^SMTP_URL must look like smtp:\/\//],
    ['TRUST_PROXY', 'maybe', /^TRUST_PROXY must be true or false/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL must be one of/],
  ])('%s=%s is refused with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  test('npm start with a bad value stops at once with one line on stderr', () => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, PORT: 'nope', NODE_OPTIONS: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.includes('oidc-provider WARNING')),
    ).toEqual([expect.stringMatching(/^sesame: configuration error: PORT must be a number/)]);
  });
});
