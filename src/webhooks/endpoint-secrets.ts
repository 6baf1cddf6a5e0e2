import type { SealedSecrets, StoredEndpoint } from './endpoint-store.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { newSigningSecret } from './signing.ts';

/** How long the old secret keeps signing after a rotation, unless the operator says otherwise. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A new secret for endpoint `endpointId`: the `whsec_` text (shown once) and its sealed form (stored). */
export function newSecret(box: SecretBox, endpointId: string): { secret: string; sealed: string } {
  const secret = newSigningSecret();
  return { secret, sealed: box.seal(secret, endpointId) };
}

/** The secrets after a rotation: a new current one, and the current one kept signing for `overlapMs`. */
export function rotate(box: SecretBox, endpoint: StoredEndpoint, overlapMs: number, now: Date): { secret: string; secrets: SealedSecrets } {
  const { secret, sealed } = newSecret(box, endpoint.id);
  return { secret, secrets: { current: sealed, previous: endpoint.secrets.current, previousExpiresAt: new Date(now.getTime() + overlapMs).toISOString() } };
}

/** The `whsec_` secrets that sign a message sent at `now`: the current one, and the previous one during its overlap. */
export function signingSecrets(box: SecretBox, endpoint: StoredEndpoint, now: Date): string[] {
  const { current, previous, previousExpiresAt } = endpoint.secrets;
  const overlapping = previous !== null && previousExpiresAt !== null && previousExpiresAt > now.toISOString();
  return [box.open(current, endpoint.id), ...(overlapping ? [box.open(previous, endpoint.id)] : [])];
}
