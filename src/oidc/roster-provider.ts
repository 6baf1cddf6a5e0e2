import type { default as Provider, interactionPolicy as InteractionPolicy, KoaContextWithOIDC } from 'oidc-provider';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { Database } from '../store/database.ts';
import { OidcPayloadStore } from '../store/oidc-payload-store.ts';
import { accountClaims } from './account-claims.ts';
import type { OidcClients } from './oidc-clients.ts';
import { providerKeys } from './oidc-keys.ts';
import { messagePage, PAGE_HEADERS, signOutPage } from './sign-in-pages.ts';

export interface RosterProviderOptions {
  /** `{public URL}/oidc`: what the host app discovers Roster at. */
  issuer: string;
  db: Kysely<Database>;
  secrets: () => SecretBox;
  clients: OidcClients;
  accounts: AccountStore;
  /** Trust X-Forwarded-Proto and -Host, as Roster itself does behind a proxy. */
  proxy: boolean;
  /**
   * Where a person goes once Roster has signed them out, instead of straight to `returnTo` (the app's
   * post_logout_redirect_uri, or the provider's signed-out page): Entra's own sign-out, for a person who signed in
   * through it. Undefined: straight on.
   */
  afterSignOut?: (accountId: string, returnTo: string) => Promise<URL | undefined>;
  /** Where the provider's own failures go (it answers them with a 500 page that says nothing). */
  logError: (error: Error) => void;
}

/** Where the provider sends a browser to sign in (`/signin/{uid}`, outside the provider's own routes). */
export const signInPath = (uid: string) => `/signin/${uid}`;

/**
 * Roster as a standard OpenID provider (`oidc-provider`) for the host app: authorization code flow, with PKCE required
 * of public (mobile and desktop) clients. Its state lives in the database and its keys are shared through it, so
 * several instances serve it. The host app is first-party: a person who signs in is not asked to consent again.
 */
export async function rosterProvider(options: RosterProviderOptions): Promise<Provider> {
  const keys = await providerKeys(options.db, options.secrets());
  // Loaded on first use: a Roster that only provisions never needs oidc-provider and Koa (about 7 MB of a running
  // server).
  const { default: Provider, interactionPolicy } = await import('oidc-provider');
  const provider = new Provider(options.issuer, {
    adapter: (name: string) => (name === 'Client' ? options.clients.adapter() : new OidcPayloadStore(options.db, name)),
    jwks: { keys: [keys.signing as never] },
    // Names of Roster's own: on one host (a development machine) the identity provider may be oidc-provider too.
    cookies: {
      keys: keys.cookies,
      names: { session: 'roster_oidc_session', interaction: 'roster_oidc_interaction', resume: 'roster_oidc_resume' },
    },
    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const claims = await accountClaims(options.accounts, sub);
      return claims && { accountId: sub, claims: () => claims as { sub: string } };
    },
    scopes: ['openid', 'profile', 'email'],
    claims: {
      openid: ['sub', 'organization'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'user_type', 'roles', 'groups'],
      email: ['email', 'email_verified'],
    },
    // The profile and email claims go in the ID token itself: apps read them there, not from userinfo.
    conformIdTokenClaims: false,
    extraParams: ['organization'],
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.set(PAGE_HEADERS);
          ctx.type = 'html';
          ctx.body = signOutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.set(PAGE_HEADERS);
          ctx.type = 'html';
          ctx.body = messagePage('Signed out', 'You have signed out. You can close this window.');
        },
      },
    },
    interactions: { policy: signInPolicy(interactionPolicy), url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => signInPath(interaction.uid) },
    // First-party: the scopes the app asks for are granted without a consent page.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const existing = ctx.oidc.session?.grantIdFor(clientId);
      const grant = (existing && (await ctx.oidc.provider.Grant.find(existing))) || new ctx.oidc.provider.Grant({ accountId, clientId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    renderError: async (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => {
      ctx.set(PAGE_HEADERS);
      ctx.type = 'html';
      ctx.body = messagePage('Sign-in error', String(out.error_description ?? out.error));
    },
    clientBasedCORS: () => false,
    ttl: { Session: 12 * 3600, Interaction: 3600, Grant: 12 * 3600, IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60 },
  } as never);
  provider.proxy = options.proxy;
  provider.on('server_error', (_ctx: unknown, error: Error) => options.logError(error));
  if (options.afterSignOut) continueSignOut(provider, options.afterSignOut, options.logError);
  return provider;
}

/**
 * oidc-provider's interaction policy, with one more reason to sign in again: the session's account is gone (its user
 * was deactivated or deleted in the directory, so `findAccount` finds nothing). The app's silent sign-in then gets
 * `login_required`, and a sign-in page that refuses the person, instead of a token.
 */
function signInPolicy(policy: typeof InteractionPolicy) {
  const prompts = policy.base();
  prompts.get('login')!.checks.add(
    new policy.Check('account_unavailable', "the account was deactivated or deleted in the organization's directory", 'login_required', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.session?.accountId && !ctx.oidc.account ? policy.Check.REQUEST_PROMPT : policy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  return prompts;
}

/**
 * Hooks the end of RP-initiated logout: once the person confirmed "sign me out" and the provider ended their session
 * (its answer is a 303 to where they go next), `afterSignOut` may send them elsewhere first. Declining ("stay signed
 * in") only signs them out of the one app, so it stays with the app. Signing out of Roster already happened: if the
 * next stop cannot be worked out (Entra unreachable), that is logged and the person goes straight on.
 */
function continueSignOut(provider: Provider, afterSignOut: NonNullable<RosterProviderOptions['afterSignOut']>, logError: (error: Error) => void): void {
  provider.use(async (ctx, next) => {
    await next();
    const { oidc } = ctx as unknown as KoaContextWithOIDC;
    if (oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !oidc.params?.logout) return;
    const accountId = oidc.session?.accountId;
    const returnTo = ctx.response.get('location');
    if (!accountId || !returnTo) return;
    const onward = await afterSignOut(accountId, returnTo).catch((error: Error) => {
      logError(error);
      return undefined;
    });
    if (onward) ctx.redirect(onward.href);
  });
}
