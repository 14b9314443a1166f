import type { ClientInput, ClientView, PasskeyPolicy } from '../clientMetadata.js';

const text = (v: unknown) => (typeof v === 'string' ? v : '');
/** One value per line (or comma/space for groups), blank lines dropped. */
const lines = (v: unknown, separators = /\r?\n/) =>
  text(v)
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);

/** The app form's fields as typed, to show again after a refusal. */
export interface AppFormValues {
  name: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  backchannelLogoutUri: string;
  logoUri: string;
  public: boolean;
  firstParty: boolean;
  device: boolean;
  allowedGroups: string;
  passkeyPolicy: string;
}

/** Reads the posted form (values are checked by the admin service, not here). */
export function appFormValues(form: Record<string, unknown>): AppFormValues {
  return {
    name: text(form.name),
    redirectUris: text(form.redirect_uris),
    postLogoutRedirectUris: text(form.post_logout_redirect_uris),
    backchannelLogoutUri: text(form.backchannel_logout_uri).trim(),
    logoUri: text(form.logo_uri).trim(),
    public: form.public === 'on',
    firstParty: form.first_party === 'on',
    device: form.device === 'on',
    allowedGroups: text(form.allowed_groups),
    passkeyPolicy: text(form.passkey_policy) || 'any',
  };
}

/** The service's input for the form: every field, so an edit replaces the app's settings. */
export function appInput(v: AppFormValues): ClientInput {
  return {
    name: v.name,
    redirectUris: lines(v.redirectUris),
    postLogoutRedirectUris: lines(v.postLogoutRedirectUris),
    backchannelLogoutUri: v.backchannelLogoutUri,
    logoUri: v.logoUri,
    public: v.public,
    firstParty: v.firstParty,
    device: v.device,
    allowedGroups: lines(v.allowedGroups, /[\s,]+/),
    passkeyPolicy: v.passkeyPolicy as PasskeyPolicy,
  };
}

/** A registered app as form values. */
export function appValuesOf(c: ClientView): AppFormValues {
  return {
    name: c.client_name,
    redirectUris: c.redirect_uris.join('\n'),
    postLogoutRedirectUris: c.post_logout_redirect_uris.join('\n'),
    backchannelLogoutUri: c.backchannel_logout_uri ?? '',
    logoUri: c.logo_uri ?? '',
    public: c.public,
    firstParty: c.first_party,
    device: c.grant_types.includes('urn:ietf:params:oauth:grant-type:device_code'),
    allowedGroups: c.allowed_groups.join('\n'),
    passkeyPolicy: c.passkey_policy,
  };
}

/** An empty form for "Add an app". */
export const EMPTY_APP: AppFormValues = appFormValues({});
