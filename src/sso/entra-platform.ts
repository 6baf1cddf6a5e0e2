/**
 * The platform of Entra's app registration that Roster signs in through, and so where Entra sends people back.
 * - `web`: Roster is a confidential client; it redeems the code with the client secret.
 * - `mobileAndDesktop`: Roster holds no secret and redeems the code with PKCE alone, as a public client. Entra tells
 *   the two apart by the redirect URI's platform, so each has its own URI (and no secret expires every two years).
 */
export type EntraPlatform = 'web' | 'mobileAndDesktop';

/** Where Entra sends people back, per platform: one URI per platform for every organization (the state says which). */
export const callbackPaths: Record<EntraPlatform, string> = { web: '/sso/callback', mobileAndDesktop: '/sso/callback/public' };

/** The redirect URIs an admin registers in Entra, per platform, for Roster reached at `origin`. */
export const redirectUris = (origin: string): Record<EntraPlatform, string[]> => ({
  web: [origin + callbackPaths.web],
  mobileAndDesktop: [origin + callbackPaths.mobileAndDesktop],
});

/** A connection with a client secret signs in as a web app; one without, as a public client. */
export const platformOf = (clientSecret: string | null | undefined): EntraPlatform => (clientSecret ? 'web' : 'mobileAndDesktop');

/**
 * Where Entra calls, in a hidden frame, when a person's Entra session ends (they signed out of Entra, or of another
 * app of the tenant): the *Front-channel logout URL* of the app registration. Roster then ends their sessions too.
 */
export const frontChannelLogoutPath = '/sso/front-channel-logout';
