import { z } from 'zod';

/** base64url text; credential ids over 1023 bytes (1364 chars) are refused (WebAuthn L3). */
const b64url = (max: number, what: string) =>
  z
    .string({ message: `${what} is missing.` })
    .min(1, `${what} is missing.`)
    .max(max, `${what} is too long.`)
    .regex(/^[A-Za-z0-9_-]+$/, `${what} is not base64url.`);

const credentialId = b64url(1364, 'The credential id');
const transports = z
  .array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']))
  .max(8)
  .optional();
const extensions = z.record(z.string(), z.unknown()).default({});

/** A RegistrationResponseJSON as @simplewebauthn/browser posts it, type-checked field by field. */
export const registrationResponseSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key', { message: 'The credential type must be public-key.' }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: extensions,
  response: z.object({
    clientDataJSON: b64url(4096, 'clientDataJSON'),
    attestationObject: b64url(8192, 'attestationObject'),
    authenticatorData: b64url(4096, 'authenticatorData').optional(),
    publicKey: b64url(4096, 'publicKey').optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    transports,
  }),
});

/** An AuthenticationResponseJSON as @simplewebauthn/browser posts it. */
export const authenticationResponseSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key', { message: 'The credential type must be public-key.' }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: extensions,
  response: z.object({
    clientDataJSON: b64url(4096, 'clientDataJSON'),
    authenticatorData: b64url(4096, 'authenticatorData'),
    signature: b64url(2048, 'signature'),
    userHandle: b64url(256, 'userHandle').optional(),
  }),
});

export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof authenticationResponseSchema>;

/** The parts of clientDataJSON we look at before any store access. */
export const clientDataSchema = z.object({
  type: z.string().max(64),
  challenge: z
    .string()
    .min(16)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/),
  origin: z.string().max(2048),
  crossOrigin: z.boolean().optional(),
  topOrigin: z.string().max(2048).optional(),
});
