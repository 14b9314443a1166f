/** JSON Schemas (2020-12) of the admin API's bodies, for the OpenAPI document. */

const uri = { type: 'string', maxLength: 2000 } as const;
const uriList = { type: 'array', items: uri } as const;
const policy = { type: 'string', enum: ['any', 'device-bound'] } as const;
const groupName = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' } as const;

const clientProperties = {
  client_id: { type: 'string' },
  client_name: { type: 'string' },
  redirect_uris: uriList,
  post_logout_redirect_uris: uriList,
  backchannel_logout_uri: uri,
  logo_uri: uri,
  grant_types: { type: 'array', items: { type: 'string' } },
  token_endpoint_auth_method: { type: 'string', enum: ['none', 'client_secret_basic'] },
  first_party: { type: 'boolean' },
  public: { type: 'boolean', description: 'true when token_endpoint_auth_method is none' },
  allowed_groups: { type: 'array', items: groupName },
  passkey_policy: policy,
} as const;

const clientRequired = [
  'client_id',
  'client_name',
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'token_endpoint_auth_method',
  'first_party',
  'allowed_groups',
  'passkey_policy',
];

const clientInputProperties = {
  client_name: { type: 'string', minLength: 1, maxLength: 100 },
  redirect_uris: uriList,
  post_logout_redirect_uris: uriList,
  backchannel_logout_uri: { ...uri, description: '"" clears it' },
  logo_uri: { ...uri, description: 'https only; "" clears it' },
  grant_types: {
    type: 'array',
    items: {
      type: 'string',
      enum: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    },
    description: 'include the device_code grant for a device app (no redirect URI needed)',
  },
  token_endpoint_auth_method: { type: 'string', enum: ['none', 'client_secret_basic'] },
  first_party: { type: 'boolean' },
  allowed_groups: { type: 'array', items: groupName },
  passkey_policy: policy,
} as const;

export const schemas = {
  Error: {
    type: 'object',
    required: ['error', 'error_description'],
    additionalProperties: false,
    properties: { error: { type: 'string' }, error_description: { type: 'string' } },
  },
  Client: {
    type: 'object',
    required: clientRequired,
    additionalProperties: false,
    properties: clientProperties,
  },
  ClientWithSecret: {
    type: 'object',
    required: clientRequired,
    additionalProperties: false,
    properties: {
      ...clientProperties,
      client_secret: { type: 'string', description: 'shown only in this answer' },
    },
  },
  ClientCreate: {
    type: 'object',
    required: ['client_name'],
    additionalProperties: false,
    properties: clientInputProperties,
  },
  ClientPatch: {
    type: 'object',
    additionalProperties: false,
    properties: clientInputProperties,
  },
  User: {
    type: 'object',
    required: ['id', 'email', 'name', 'disabled', 'admin', 'groups', 'created'],
    additionalProperties: false,
    properties: {
      id: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      disabled: { type: 'boolean' },
      admin: { type: 'boolean' },
      groups: { type: 'array', items: groupName },
      created: { type: 'string', format: 'date-time' },
    },
  },
  UserPatch: {
    type: 'object',
    additionalProperties: false,
    properties: { disabled: { type: 'boolean' }, admin: { type: 'boolean' } },
  },
  RecoveryLink: {
    type: 'object',
    required: ['email', 'url', 'expiresAt', 'notified'],
    additionalProperties: false,
    properties: {
      email: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      expiresAt: { type: 'string', format: 'date-time' },
      notified: { type: 'boolean', description: 'whether the notice mail went out' },
    },
  },
  Group: {
    type: 'object',
    required: ['name', 'members'],
    additionalProperties: false,
    properties: { name: groupName, members: { type: 'array', items: { type: 'string' } } },
  },
  GroupCreate: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: groupName, members: { type: 'array', items: { type: 'string' } } },
  },
  GroupPatch: {
    type: 'object',
    required: ['members'],
    additionalProperties: false,
    properties: {
      members: {
        type: 'array',
        items: { type: 'string' },
        description: 'the members (emails); replaces the list',
      },
    },
  },
};
