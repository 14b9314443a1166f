import type Provider from 'oidc-provider';

/**
 * Where `findAccount`'s claims carry the person's custom claims. A symbol survives the object
 * spreads oidc-provider makes of the claims, and no JSON output ever shows it.
 */
export const CUSTOM_CLAIMS: unique symbol = Symbol('sesame.customClaims');

/**
 * oidc-provider releases only claims named in its configuration, but custom claims are named
 * by operators at run time. This replaces the provider's `Claims` class (used for ID tokens and
 * UserInfo) with one that adds the custom claims whenever scope `profile` is granted
 * (SPEC.md §11). They never replace a standard claim: their names exclude every one.
 */
export function releaseCustomClaims(provider: Provider): void {
  const Base = provider.Claims;
  class SesameClaims extends Base {
    #profile = false;
    override scope(value = ''): this {
      this.#profile = value.split(' ').includes('profile');
      return super.scope(value) as this;
    }
    override async result(): Promise<Record<string, unknown>> {
      const standard = (await super.result()) as Record<string, unknown>;
      const available = (this as unknown as { available: Record<symbol, unknown> }).available;
      const custom = available[CUSTOM_CLAIMS];
      if (!this.#profile || !custom || typeof custom !== 'object') return standard;
      return { ...(custom as Record<string, unknown>), ...standard };
    }
  }
  Object.defineProperty(provider, 'Claims', { value: SesameClaims, configurable: true });
}
