import type { FastifyInstance, FastifyRequest } from 'fastify';
import { messagePage, setPasswordPage } from '../oidc/sign-in-pages.ts';
import { type SignInSettings, SignInSettingsError } from '../sso/sign-in-settings.ts';
import { sendStep } from './oidc-routes.ts';

/** The page a one-time password link opens (`/set-password/{token}`), where a person chooses a built-in password. */
export async function passwordRoutes(app: FastifyInstance, { settings }: { settings: SignInSettings }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  app.get('/set-password/:token', async (request: FastifyRequest<{ Params: { token: string } }>, reply) =>
    sendStep(reply, { kind: 'page', status: 200, html: setPasswordPage('/set-password', request.params.token) }),
  );
  app.post('/set-password', async (request: FastifyRequest<{ Body: Record<string, string> | undefined }>, reply) => {
    const { token = '', password = '' } = request.body ?? {};
    try {
      await settings.setPassword(token, password);
    } catch (error) {
      if (!(error instanceof SignInSettingsError)) throw error;
      return sendStep(reply, { kind: 'page', status: 400, html: setPasswordPage('/set-password', token, error.message) });
    }
    return sendStep(reply, { kind: 'page', status: 200, html: messagePage('Password set', 'You can now sign in with it from the app.') });
  });
}
