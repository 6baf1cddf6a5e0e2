import type Provider from 'oidc-provider';
import { verifyNothing, verifyPassword } from '../admin/password-hash.ts';
import { SignInThrottle } from '../admin/sign-in-throttle.ts';
import type { SignInResult, SsoSignIn } from '../sso/sso-sign-in.ts';
import { SignInError } from '../sso/sso-sign-in.ts';
import type { AccountStore } from '../store/account-store.ts';
import { identifyPage, messagePage, passwordPage } from './sign-in-pages.ts';
import { signInPath } from './roster-provider.ts';

/** What a step of the sign-in answers: a redirect, or a page. */
export type Step = { kind: 'redirect'; url: string } | { kind: 'page'; status: number; html: string };

const page = (html: string, status = 200): Step => ({ kind: 'page', status, html });

/**
 * The people-facing side of Roster's OpenID provider: who is signing in (the app's `login_hint`, else a form), and
 * then by their login method either Entra ID (the organization's connection) or the built-in password. A person
 * named in several organizations needs the app to send `organization`. Both ways end by telling the provider who
 * signed in, which sends the browser back to the app.
 */
export class SignInFlow {
  constructor(
    private readonly provider: () => Promise<Provider>,
    private readonly accounts: AccountStore,
    private readonly sso: SsoSignIn,
    private readonly throttle: SignInThrottle,
  ) {}

  async start(uid: string, baseUrl: string): Promise<Step> {
    const interaction = await this.interaction(uid);
    if (!interaction) return this.expired();
    // Signed in already, and asked to consent: the app is first-party, so what it asks for is granted. (Mobile and
    // desktop apps are asked every time: their redirect URIs do not prove which app is asking.)
    if (interaction.prompt.name === 'consent' && interaction.session?.accountId) return this.grant(uid);
    const hint = typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : undefined;
    if (!hint) return page(identifyPage(signInPath(uid)));
    return this.route(uid, hint, baseUrl);
  }

  async submit(uid: string, form: Record<string, string | undefined>, baseUrl: string): Promise<Step> {
    const interaction = await this.interaction(uid);
    if (!interaction) return this.expired();
    const name = (form.name ?? '').trim();
    if (!name) return page(identifyPage(signInPath(uid), 'Enter your email or username'), 400);
    if (form.password === undefined) return this.route(uid, name, baseUrl);
    return this.withPassword(uid, name, form.password);
  }

  /** Entra sent the person back: sign them in to the app, or say why not. */
  async finishWithEntra(result: SignInResult): Promise<Step> {
    if (result.purpose.kind !== 'authorize') throw new Error('not a sign-in for the app');
    if (result.outcome.kind === 'refused') return page(messagePage('Sign-in refused', result.outcome.reason), 403);
    return this.finish(result.purpose.uid, result.outcome.account.id);
  }

  /**
   * Where a person goes after Roster signed them out: a person on Entra ID signs out there too, and comes back to
   * `returnTo` (RP-initiated logout at Entra); a built-in password has nothing more to end.
   */
  async signOutAtEntra(accountId: string, returnTo: string, baseUrl: string): Promise<URL | undefined> {
    const account = await this.accounts.byId(accountId);
    if (!account || account.login_method !== 'external') return undefined;
    return this.sso.signOut(account.organization_id, returnTo, baseUrl);
  }

  private async route(uid: string, name: string, baseUrl: string): Promise<Step> {
    const interaction = (await this.interaction(uid))!;
    const organization = typeof interaction.params.organization === 'string' ? interaction.params.organization : undefined;
    const candidates = await this.accounts.signInCandidates(name, organization);
    const organizations = new Set(candidates.map((c) => c.organizationId));
    if (candidates.length === 0) return page(identifyPage(signInPath(uid), `No account is named ${name}`, name), 404);
    if (organizations.size > 1 || candidates.length > 1) {
      return page(messagePage('Sign-in needs your organization', `${name} has accounts in several organizations: the app must say which one (organization=…).`), 409);
    }
    const candidate = candidates[0]!;
    const account = candidate.accountId ? await this.accounts.byId(candidate.accountId) : await this.accounts.byUser(candidate.userId!);
    // A provisioned user who never signed in has no account yet: their login method is Entra ID.
    if ((account?.login_method ?? 'external') === 'built-in') return page(passwordPage(signInPath(uid), name));
    try {
      const url = await this.sso.begin(candidate.organizationId, { kind: 'authorize', uid }, baseUrl, name);
      return { kind: 'redirect', url: url.href };
    } catch (error) {
      if (error instanceof SignInError) return page(messagePage('Sign-in unavailable', error.message), 503);
      throw error;
    }
  }

  private async withPassword(uid: string, name: string, password: string): Promise<Step> {
    const interaction = (await this.interaction(uid))!;
    const organization = typeof interaction.params.organization === 'string' ? interaction.params.organization : undefined;
    const candidates = await this.accounts.signInCandidates(name, organization);
    const candidate = candidates.length === 1 ? candidates[0] : undefined;
    const account = candidate && (candidate.accountId ? await this.accounts.byId(candidate.accountId) : await this.accounts.byUser(candidate.userId!));
    const wrong = () => page(passwordPage(signInPath(uid), name, 'Wrong password'), 401);
    if (!account || account.login_method !== 'built-in' || !account.password_hash) {
      await verifyNothing(password);
      return wrong();
    }
    const locked = SignInThrottle.secondsLocked(account.locked_until);
    if (locked > 0) return page(passwordPage(signInPath(uid), name, `Too many wrong passwords: try again in ${locked} seconds`), 429);
    if (!(await verifyPassword(password, account.password_hash))) {
      await this.throttle.failed(account.id);
      return wrong();
    }
    await this.throttle.succeeded(account.id);
    if (account.user_id) {
      const user = await this.accounts.user(account.user_id);
      if (!user?.active) return page(messagePage('Sign-in refused', 'This account is deactivated in your directory.'), 403);
    }
    return this.finish(uid, account.id);
  }

  /** Records who signed in on the provider's interaction and sends the browser back to the provider to resume. */
  private async finish(uid: string, accountId: string): Promise<Step> {
    const interaction = await this.interaction(uid);
    if (!interaction) return this.expired();
    interaction.result = { login: { accountId } };
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
    return { kind: 'redirect', url: interaction.returnTo };
  }

  private async grant(uid: string): Promise<Step> {
    const provider = await this.provider();
    const interaction = (await provider.Interaction.find(uid))!;
    const { accountId } = interaction.session!;
    const clientId = String(interaction.params.client_id);
    const grant = (interaction.grantId && (await provider.Grant.find(interaction.grantId))) || new provider.Grant({ accountId, clientId });
    grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
    interaction.result = { ...interaction.result, consent: { grantId: await grant.save() } };
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
    return { kind: 'redirect', url: interaction.returnTo };
  }

  private async interaction(uid: string) {
    return (await this.provider()).Interaction.find(uid);
  }

  private expired(): Step {
    return page(messagePage('Sign-in expired', 'This sign-in took too long or was already used: start again from the app.'), 400);
  }
}
