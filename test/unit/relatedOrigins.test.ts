import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const load = (value: string) =>
  loadConfig({ ISSUER: 'https://id.example.com', METRICS_PUBLIC: 'true', RELATED_ORIGINS: value });

/** The one line a bad value stops the start with. */
function problem(value: string): string {
  try {
    load(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`RELATED_ORIGINS=${value} was accepted`);
}

describe('RELATED_ORIGINS (SPEC §14)', () => {
  test('unset or empty: none', () => {
    expect(loadConfig({}).relatedOrigins).toEqual([]);
    expect(load('  ').relatedOrigins).toEqual([]);
  });

  test('comma-separated https origins, trimmed and normalised to their origin', () => {
    expect(
      load(' https://shop.example.com, https://Example.org/ ,https://example.co.uk:8443')
        .relatedOrigins,
    ).toEqual(['https://shop.example.com', 'https://example.org', 'https://example.co.uk:8443']);
  });

  test.each([
    ['http://shop.example.com', 'must use https'],
    ['shop.example.com', 'is not a URL'],
    ['https://shop.example.com/login', 'give only the origin'],
    ['https://shop.example.com?x=1', 'give only the origin'],
    ['https://user:pw@shop.example.com', 'give only the origin'],
    ['https://a.example.com,,https://b.example.com', 'empty entry'],
    ['https://a.example.com,https://A.example.com/', '"https://a.example.com" twice'],
    ['https://id.example.com', "ISSUER's own origin"],
  ])('%s is refused: %s', (value, words) => {
    const message = problem(value);
    expect(message).toMatch(/^RELATED_ORIGINS /);
    expect(message).toContain(words);
  });

  test('more sites than the browser limit of 5 labels is refused; subdomains and suffixes share a label', () => {
    const five = [
      'https://a.one.com',
      'https://b.one.com',
      'https://one.co.uk',
      'https://two.com',
      'https://three.com',
      'https://four.com',
      'https://five.com',
    ].join(',');
    expect(load(five).relatedOrigins).toHaveLength(7);
    const message = problem(`${five},https://six.com`);
    expect(message).toContain('6 different sites');
    expect(message).toContain('at most 5');
  });
});
