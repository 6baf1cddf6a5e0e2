import { hashToken } from '../directory/secret-token.ts';
import type { EntraSessionStore } from '../store/entra-session-store.ts';
import type { SsoStateStore } from '../store/sso-state-store.ts';
import type { EntraClient, EntraIdentity } from './entra-client.ts';
import { callbackPaths } from './entra-platform.ts';
import type { IdentityLinker, LinkOutcome } from './identity-linker.ts';
import type { SsoConnections } from './sso-connections.ts';

/** What a sign-in is for, kept with its state until Entra sends the person back. */
export type SignInPurpose =
  /** An admin's test sign-in from the portal: the result is shown, nobody is signed in. */
  | { kind: 'test'; actor: string }
  /** A sign-in for the host app, through Roster's OpenID provider: `uid` is the provider's interaction. */
  | { kind: 'authorize'; uid: string };

/** A trip to Entra that signs the person out there (after Roster), then goes on to `returnTo`. */
interface SignOutTrip {
  kind: 'sign-out';
  returnTo: string;
}

/** A sign-in that cannot go on: the reason is for the person signing in, or the admin testing. */
export class SignInError extends Error {}

export interface SignInResult {
  kind: 'signed-in';
  organizationId: string;
  purpose: SignInPurpose;
  identity: EntraIdentity;
  outcome: LinkOutcome;
}

/** Entra has signed the person out: send them on. */
export interface SignedOut {
  kind: 'signed-out';
  returnTo: string;
}

/** Long enough to type a password and approve MFA; a state older than this is refused. */
const STATE_TTL_MS = 10 * 60_000;
/** How long Roster remembers the Entra session a person signed in with: as long as Roster's own session lasts. */
const ENTRA_SESSION_TTL_MS = 12 * 3600_000;

/**
 * A sign-in through an organization's Entra ID: `begin` sends the person to Entra with a fresh state, nonce and PKCE
 * verifier, kept in the database (so any instance can take the callback); `complete` takes that state once (a replay
 * finds nothing), checks Entra's answer and ID token, that the token comes from the connection's tenant, and links
 * the person to an account of the organization. `signOut` sends a person who signed in through Entra there to sign
 * out, with a state of its own, and `complete` sends them on when Entra brings them back.
 */
export class SsoSignIn {
  constructor(
    private readonly connections: SsoConnections,
    private readonly states: SsoStateStore,
    private readonly entra: EntraClient,
    private readonly linker: IdentityLinker,
    private readonly entraSessions: EntraSessionStore,
  ) {}

  async begin(organizationId: string, purpose: SignInPurpose, baseUrl: string, loginHint?: string): Promise<URL> {
    const connection = await this.connections.app(organizationId);
    if (!connection) throw new SignInError('this organization has no Entra ID connection');
    const started = await this.entra.start(connection.app, baseUrl + callbackPaths[connection.platform], loginHint);
    await this.remember(started.state, organizationId, purpose, { codeVerifier: started.codeVerifier, nonce: started.nonce });
    return started.url;
  }

  /**
   * Where to send a person Roster has just signed out, so that Entra signs them out too (RP-initiated logout); Entra
   * sends them back to the redirect URI, and `complete` on to `returnTo`. Undefined when the organization has no
   * connection, or its tenant has no end-session endpoint.
   */
  async signOut(organizationId: string, returnTo: string, baseUrl: string): Promise<URL | undefined> {
    const connection = await this.connections.app(organizationId);
    if (!connection) return undefined;
    const ending = await this.entra.endSession(connection.app, baseUrl + callbackPaths[connection.platform]);
    if (!ending) return undefined;
    await this.remember(ending.state, organizationId, { kind: 'sign-out', returnTo });
    return ending.url;
  }

  /** `callbackUrl`: the URL Entra sent the browser to, as seen from outside (the public URL's origin). */
  async complete(callbackUrl: URL): Promise<SignInResult | SignedOut> {
    const state = callbackUrl.searchParams.get('state');
    const pending = state ? await this.states.take(hashToken(state)) : undefined;
    if (!pending || pending.expires_at <= new Date().toISOString()) {
      throw new SignInError('this sign-in has expired or was already used: start again');
    }
    const purpose = JSON.parse(pending.purpose) as SignInPurpose | SignOutTrip;
    if (purpose.kind === 'sign-out') return { kind: 'signed-out', returnTo: purpose.returnTo };
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
    const base = { kind: 'signed-in' as const, organizationId: pending.organization_id, purpose, identity };
    if (identity.tid !== connection.tenantId) {
      return { ...base, outcome: { kind: 'refused', reason: `the ID token comes from tenant ${identity.tid ?? '(none)'}, not from this connection's tenant ${connection.tenantId}` } };
    }
    const outcome = await this.linker.link(pending.organization_id, identity, { justInTime: connection.justInTime });
    // A sign-in for the app remembers Entra's session id, for Entra's front-channel logout (an admin's test does not).
    const sid = identity.claims.sid;
    if (purpose.kind === 'authorize' && outcome.kind === 'linked' && typeof sid === 'string' && sid) {
      await this.entraSessions.remember(hashToken(sid), outcome.account.id, new Date(Date.now() + ENTRA_SESSION_TTL_MS).toISOString());
    }
    return { ...base, outcome };
  }

  /**
   * Entra's front-channel logout: the person ended Entra session `sid` (signed out of Entra, or of another app of the
   * tenant). Ends the Roster sessions of whoever signed in through it; returns how many accounts that was.
   */
  signedOutAtEntra(sid: string): Promise<number> {
    return this.entraSessions.end(hashToken(sid));
  }

  /** Keeps a trip's state (hashed) until Entra sends the person back; a sign-out has no PKCE verifier or nonce. */
  private async remember(state: string, organizationId: string, purpose: SignInPurpose | SignOutTrip, proof = { codeVerifier: '', nonce: '' }): Promise<void> {
    const now = Date.now();
    await this.states.insert({
      id: hashToken(state),
      organization_id: organizationId,
      code_verifier: proof.codeVerifier,
      nonce: proof.nonce,
      purpose: JSON.stringify(purpose),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + STATE_TTL_MS).toISOString(),
    });
  }
}
