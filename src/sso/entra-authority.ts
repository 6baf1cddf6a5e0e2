/** Microsoft's multi-tenant authorities: a connection must name one tenant, whose ID tokens alone it accepts. */
const SHARED_AUTHORITIES = new Set(['common', 'organizations', 'consumers']);
const DEFAULT_LOGIN_HOST = 'https://login.microsoftonline.com';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export class AuthorityError extends Error {}

/** Where a tenant's OpenID configuration is found: its v2.0 issuer as Microsoft spells it before discovery. */
export interface EntraAuthority {
  /** The tenant as given: a directory (tenant) id, or a verified domain such as contoso.onmicrosoft.com. */
  tenant: string;
  /** `{login host}/{tenant}/v2.0`; discovery gives the final issuer, with the tenant id. */
  issuer: string;
}

/**
 * Reads what an admin pastes from Entra ID: the Directory (tenant) ID, a tenant domain, or an Authority URL
 * (`https://login.microsoftonline.com/{tenant}`, with or without `/v2.0`, of any Microsoft cloud). `common`,
 * `organizations` and `consumers` are refused: with them, any Microsoft account could sign in. Plain http is refused
 * unless `allowHttp` (tests, with a local identity provider).
 */
export function parseEntraAuthority(input: string, options: { allowHttp?: boolean } = {}): EntraAuthority {
  const text = input.trim();
  let origin = DEFAULT_LOGIN_HOST;
  let tenant = text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new AuthorityError(`${text} is not a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) throw new AuthorityError('the authority must be an https:// URL');
    if (url.search || url.hash || url.username || url.password) throw new AuthorityError('the authority is a bare URL: https://login.microsoftonline.com/{tenant}');
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments.at(-1)?.toLowerCase() === 'v2.0') segments.pop();
    if (segments.length !== 1) throw new AuthorityError('the authority names one tenant: https://login.microsoftonline.com/{tenant}');
    origin = url.origin;
    tenant = segments[0]!;
  }
  tenant = tenant.toLowerCase();
  if (SHARED_AUTHORITIES.has(tenant)) {
    throw new AuthorityError(`"${tenant}" lets any Microsoft account in: give the Directory (tenant) ID of the customer's tenant`);
  }
  if (!GUID.test(tenant) && !DOMAIN.test(tenant)) throw new AuthorityError(`"${tenant}" is neither a Directory (tenant) ID nor a tenant domain`);
  return { tenant, issuer: `${origin}/${tenant}/v2.0` };
}

/** The tenant id in a v2.0 issuer (`https://login.microsoftonline.com/{tenant id}/v2.0`), or undefined. */
export function tenantOfIssuer(issuer: string): string | undefined {
  const match = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0\/?$/i.exec(issuer);
  return match?.[1]?.toLowerCase();
}
