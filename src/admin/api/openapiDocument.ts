import { schemas } from './openapiSchemas.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: unknown) => ({ description, ...json(schema) });
const error = (description: string) => ok(description, ref('Error'));
const errors = {
  '400': error('invalid input (`invalid_request`, `invalid_client_metadata`)'),
  '401': error('missing, wrong or revoked token (`invalid_token`)'),
  '429': error('too many calls; see Retry-After'),
};
const notFound = { '404': error('no such item (`not_found`)') };
const idParam = (what: string) => [
  { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: what },
];
const body = (schema: string) => ({ required: true, ...json(ref(schema)) });
const noContent = { '204': { description: 'removed' } };

/**
 * The admin API's OpenAPI 3.1 description, served at `/admin/api/openapi.json`. The API tests
 * validate every response against it, so it is kept beside the routes it describes.
 */
export function openapiDocument(issuer: string, withGroups: boolean): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/admin/api/clients': {
      get: {
        summary: 'List apps',
        responses: { '200': ok('apps', { type: 'array', items: ref('Client') }), ...errors },
      },
      post: {
        summary: 'Register an app',
        requestBody: body('ClientCreate'),
        responses: {
          '201': ok(
            'the app with its secret (confidential apps only), shown once',
            ref('ClientWithSecret'),
          ),
          ...errors,
        },
      },
    },
    '/admin/api/clients/{id}': {
      parameters: idParam('client_id'),
      get: {
        summary: 'One app',
        responses: { '200': ok('the app', ref('Client')), ...errors, ...notFound },
      },
      patch: {
        summary: 'Change an app (lists given replace the old ones)',
        requestBody: body('ClientPatch'),
        responses: {
          '200': ok(
            'the app (with client_secret when it just became confidential)',
            ref('ClientWithSecret'),
          ),
          ...errors,
          ...notFound,
        },
      },
      delete: {
        summary: 'Remove an app; its tokens stop working',
        responses: { ...noContent, ...errors, ...notFound },
      },
    },
    '/admin/api/clients/{id}/rotate-secret': {
      parameters: idParam('client_id'),
      post: {
        summary: 'Issue a new secret; the old one stops working',
        responses: {
          '200': ok('the app with its new secret', ref('ClientWithSecret')),
          ...errors,
          ...notFound,
        },
      },
    },
    '/admin/api/users': {
      get: {
        summary: 'List people',
        parameters: [
          {
            name: 'search',
            in: 'query',
            required: false,
            schema: { type: 'string' },
            description: 'part of an email or name',
          },
        ],
        responses: { '200': ok('people', { type: 'array', items: ref('User') }), ...errors },
      },
    },
    '/admin/api/users/{id}': {
      parameters: idParam('account id'),
      get: {
        summary: 'One person',
        responses: { '200': ok('the person', ref('User')), ...errors, ...notFound },
      },
      patch: {
        summary: 'Disable or enable; grant or remove the admin role',
        requestBody: body('UserPatch'),
        responses: { '200': ok('the person', ref('User')), ...errors, ...notFound },
      },
      delete: {
        summary: 'Delete the account, its passkeys and sessions',
        responses: { ...noContent, ...errors, ...notFound },
      },
    },
    '/admin/api/users/{id}/recovery-link': {
      parameters: idParam('account id'),
      post: {
        summary: 'A one-time recovery link (24 h); the person is told by mail',
        responses: { '200': ok('the link', ref('RecoveryLink')), ...errors, ...notFound },
      },
    },
  };
  if (withGroups) {
    paths['/admin/api/groups'] = {
      get: {
        summary: 'List groups',
        responses: { '200': ok('groups', { type: 'array', items: ref('Group') }), ...errors },
      },
      post: {
        summary: 'Create a group',
        requestBody: body('GroupCreate'),
        responses: { '201': ok('the group', ref('Group')), ...errors },
      },
    };
    paths['/admin/api/groups/{id}'] = {
      parameters: idParam('group name'),
      get: {
        summary: 'One group',
        responses: { '200': ok('the group', ref('Group')), ...errors, ...notFound },
      },
      patch: {
        summary: 'Set the members',
        requestBody: body('GroupPatch'),
        responses: { '200': ok('the group', ref('Group')), ...errors, ...notFound },
      },
      delete: { summary: 'Remove a group', responses: { ...noContent, ...errors, ...notFound } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sesame administration API',
      version: '1',
      description:
        'The operations of the /admin console, for scripts. Authenticate with `Authorization: Bearer <token>` from `npx sesame token create`. Errors are `{ "error", "error_description" }`.',
    },
    servers: [{ url: issuer }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: withGroups
        ? schemas
        : Object.fromEntries(Object.entries(schemas).filter(([k]) => !k.startsWith('Group'))),
    },
  };
}
