/**
 * A browser reduced to what sign-in tests need: follow redirects and keep the identity provider's cookies, until the
 * flow leaves the provider for the client's redirect URI.
 */

/** The provider's cookies (interaction and resume), kept across redirects like a browser would; paths are ignored. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * Follows redirects from `start` until one leaves the provider (the client's redirect URI, custom scheme or not): that
 * URL, or the response that stopped the walk (an error page).
 */
export function browse(start: URL | string, jar = new CookieJar()): Promise<URL | Response> {
  const provider = new URL(start).origin;
  return walk(start, (url) => url.origin !== provider, jar);
}

/**
 * Follows redirects from `start`, across sites (an app, Roster, Entra), until `arrived` says a URL is the destination
 * (not fetched), or a response is not a redirect (a page: returned). `submit` sends a form first, as a browser does.
 */
export async function walk(
  start: URL | string,
  arrived: (url: URL) => boolean,
  jar = new CookieJar(),
  submit?: { form: Record<string, string> },
): Promise<URL | Response> {
  let url = new URL(start);
  let form = submit?.form;
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, {
      redirect: 'manual',
      ...(form ? { method: 'POST', body: new URLSearchParams(form), headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' } } : { headers: { cookie: jar.header() } }),
    });
    form = undefined;
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel();
    url = new URL(location, url);
    if (arrived(url)) return url;
  }
  throw new Error(`too many redirects from ${start}`);
}
