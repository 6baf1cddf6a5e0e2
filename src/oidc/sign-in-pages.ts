/** Text made safe to put in HTML, between tags or in a quoted attribute. */
export const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Headers of every page Roster renders for people signing in: nothing from elsewhere, never framed, no Referer. No
 * `form-action`: browsers apply it to the redirects after a form is sent too, and a sign-in form's answer redirects
 * to the app or to Entra ID, which `'self'` would block. The forms' actions are Roster's own, fixed paths.
 */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * The shell of every page Roster renders outside the portal: sign-in, password links, the SSO callback. `wide` is for
 * pages with tables (the admin's test sign-in), the rest are a narrow card.
 */
export function page(title: string, body: string, options: { wide?: boolean } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · Roster</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#f5f7fa;color:#1f2933;margin:0}main{max-width:${options.wide ? '48rem' : '24rem'};margin:4rem auto;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1.5rem 2rem}label{display:block;margin:.75rem 0}input{display:block;width:100%;box-sizing:border-box;font:inherit;padding:.4rem .5rem;margin-top:.25rem}button{font:inherit;padding:.45rem 1rem;margin-top:.5rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}th{width:14rem}code{font-size:.9em;word-break:break-all}.ok{color:#0b6b2b}[role=alert]{color:#a61b1b}</style>
</head><body><main>${body}</main></body></html>`;
}

const alert = (error?: string) => (error ? `<p role="alert">${escape(error)}</p>` : '');

/** Asks who is signing in, when the app sent no login hint. */
export function identifyPage(action: string, error?: string, name = ''): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>${alert(error)}<form method="post" action="${escape(action)}"><label>Email or username<input name="name" type="text" autocomplete="username" value="${escape(name)}" required autofocus></label><button type="submit">Continue</button></form>`,
  );
}

/** The built-in password, for a person whose login method is not Entra ID. */
export function passwordPage(action: string, name: string, error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>${escape(name)}</p>${alert(error)}<form method="post" action="${escape(action)}"><input type="hidden" name="name" value="${escape(name)}"><label>Password<input name="password" type="password" autocomplete="current-password" required autofocus></label><button type="submit">Sign in</button></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escape(title)}</h1><p role="alert">${escape(message)}</p>`);
}

/**
 * Asks whether to sign out of Roster, when an app sends a person to sign out. `form` is the provider's own (empty)
 * form with its anti-forgery field; the buttons submit it. Staying signed in still signs the person out of that app.
 */
export function signOutPage(form: string, appName?: string): string {
  const from = appName ? ` You are leaving ${escape(appName)}.` : '';
  return page(
    'Sign out',
    `<h1>Sign out</h1><p>Sign out of every app you signed in to through Roster, and of Entra ID if you signed in with it?${from}</p>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button> <button type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

/** Sets a built-in password from a one-time link. */
export function setPasswordPage(action: string, token: string, error?: string): string {
  return page(
    'Choose a password',
    `<h1>Choose a password</h1>${alert(error)}<form method="post" action="${escape(action)}"><input type="hidden" name="token" value="${escape(token)}"><label>New password (12 characters or more)<input name="password" type="password" autocomplete="new-password" minlength="12" required autofocus></label><button type="submit">Set password</button></form>`,
  );
}
