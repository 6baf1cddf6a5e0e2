import type { RosterEvent } from '../events/event.ts';
import type { StoredEndpoint } from './endpoint-store.ts';
import { signingSecrets } from './endpoint-secrets.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { signedHeaders } from './signing.ts';
import type { PostOutcome, WebhookSender } from './webhook-sender.ts';

/** The event `roster webhook test` sends: not in the change log, so receivers can tell it apart by its type. */
export interface WebhookTestEvent {
  id: string;
  type: 'webhook.test';
  organizationId: string;
  directoryId: string | null;
  occurredAt: string;
  data: { endpointId: string };
}

/**
 * Signs and posts one event to an endpoint. The event id is the `webhook-id`, the same on every attempt and replay,
 * so receivers drop repeats by it; the timestamp and signatures are made anew for each attempt.
 */
export function sendEvent(
  sender: WebhookSender,
  box: SecretBox,
  endpoint: StoredEndpoint,
  event: RosterEvent | WebhookTestEvent,
  stop?: AbortSignal,
): Promise<PostOutcome> {
  const now = new Date();
  const body = JSON.stringify(event);
  return sender.post(endpoint.url, body, signedHeaders(event.id, body, signingSecrets(box, endpoint, now), now), stop);
}
