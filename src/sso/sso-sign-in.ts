import { hashToken } from '../directory/secret-token.ts';
import type { SsoStateStore } from '../store/sso-state-store.ts';
import type { EntraClient, EntraIdentity } from './entra-client.ts';
import type { IdentityLinker, LinkOutcome } from './identity-linker.ts';
import type { SsoConnections } from './sso-connections.ts';

/** What a sign-in is for, kept with its state until Entra sends the person back. */
export type SignInPurpose =
  /** An admin's test sign-in from the portal: the result is shown, nobody is signed in. */
  | { kind: 'test'; actor: string }
  /** A sign-in for the host app, through Roster's OpenID provider: `uid` is the provider's interaction. */
  | { kind: 'authorize'; uid: string };

/** A sign-in that cannot go on: the reason is for the person signing in, or the admin testing. */
export class SignInError extends Error {}

export interface SignInResult {
  organizationId: string;
  purpose: SignInPurpose;
  identity: EntraIdentity;
  outcome: LinkOutcome;
}

/** Long enough to type a password and approve MFA; a state older than this is refused. */
const STATE_TTL_MS = 10 * 60_000;

/** Where Entra sends people back: one redirect URI for every organization (the state says which). */
export const callbackPath = '/sso/callback';

/**
 * A sign-in through an organization's Entra ID: `begin` sends the person to Entra with a fresh state, nonce and PKCE
 * verifier, kept in the database (so any instance can take the callback); `complete` takes that state once (a replay
 * finds nothing), checks Entra's answer and ID token, that the token comes from the connection's tenant, and links
 * the person to an account of the organization.
 */
export class SsoSignIn {
  constructor(
    private readonly connections: SsoConnections,
    private readonly states: SsoStateStore,
    private readonly entra: EntraClient,
    private readonly linker: IdentityLinker,
  ) {}

  async begin(organizationId: string, purpose: SignInPurpose, baseUrl: string, loginHint?: string): Promise<URL> {
    const connection = await this.connections.app(organizationId);
    if (!connection) throw new SignInError('this organization has no Entra ID connection');
    const started = await this.entra.start(connection.app, baseUrl + callbackPath, loginHint);
    const now = Date.now();
    await this.states.insert({
      id: hashToken(started.state),
      organization_id: organizationId,
      code_verifier: started.codeVerifier,
      nonce: started.nonce,
      purpose: JSON.stringify(purpose),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + STATE_TTL_MS).toISOString(),
    });
    return started.url;
  }

  /** `callbackUrl`: the URL Entra sent the browser to, as seen from outside (the public URL's origin). */
  async complete(callbackUrl: URL): Promise<SignInResult> {
    const state = callbackUrl.searchParams.get('state');
    const pending = state ? await this.states.take(hashToken(state)) : undefined;
    if (!pending || pending.expires_at <= new Date().toISOString()) {
      throw new SignInError('this sign-in has expired or was already used: start again');
    }
    const entraError = callbackUrl.searchParams.get('error');
    if (entraError) {
      throw new SignInError(`Entra ID refused the sign-in: ${entraError}${callbackUrl.searchParams.has('error_description') ? ` (${callbackUrl.searchParams.get('error_description')})` : ''}`);
    }
    const connection = await this.connections.app(pending.organization_id);
    if (!connection) throw new SignInError('the Entra ID connection was removed during the sign-in');
    let identity: EntraIdentity;
    try {
      identity = await this.entra.finish(connection.app, callbackUrl, { state: state!, nonce: pending.nonce, codeVerifier: pending.code_verifier });
    } catch (error) {
      throw new SignInError(`Entra ID's answer did not check out: ${(error as Error).message}`);
    }
    const purpose = JSON.parse(pending.purpose) as SignInPurpose;
    const base = { organizationId: pending.organization_id, purpose, identity };
    if (identity.tid !== connection.tenantId) {
      return { ...base, outcome: { kind: 'refused', reason: `the ID token comes from tenant ${identity.tid ?? '(none)'}, not from this connection's tenant ${connection.tenantId}` } };
    }
    return { ...base, outcome: await this.linker.link(pending.organization_id, identity, { justInTime: connection.justInTime }) };
  }
}
