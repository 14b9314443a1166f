import { ConfigError, loadConfig } from '../../src/config/config.js';
import { DEFAULT_LIMITS, scaleLimits } from '../../src/http/rateLimiter.js';

// BENCH_RATE_LIMIT_MULTIPLIER exists only so `npm run bench` can drive sign-ins from one
// loopback address without being throttled, while the limiter still counts every hit.

test('BENCH_RATE_LIMIT_MULTIPLIER defaults to 1 and is validated', () => {
  expect(loadConfig({}).rateLimitMultiplier).toBe(1);
  expect(loadConfig({ BENCH_RATE_LIMIT_MULTIPLIER: '100000' }).rateLimitMultiplier).toBe(100_000);
  for (const bad of ['0', '-3', '1.5', 'lots', '2000000']) {
    expect(() => loadConfig({ BENCH_RATE_LIMIT_MULTIPLIER: bad })).toThrow(ConfigError);
  }
  expect(() => loadConfig({ BENCH_RATE_LIMIT_MULTIPLIER: 'lots' })).toThrow(
    /^BENCH_RATE_LIMIT_MULTIPLIER must be a number/,
  );
});

test('scaleLimits multiplies every allowance and keeps the windows', () => {
  const scaled = scaleLimits(DEFAULT_LIMITS, 1000);
  for (const [name, limit] of Object.entries(DEFAULT_LIMITS)) {
    expect(scaled[name as keyof typeof DEFAULT_LIMITS]).toEqual({
      max: limit.max * 1000,
      windowMs: limit.windowMs,
    });
  }
  expect(scaleLimits(DEFAULT_LIMITS, 1)).toEqual(DEFAULT_LIMITS);
});
