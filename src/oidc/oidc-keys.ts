import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Database } from '../store/database.ts';

export interface ProviderKeys {
  /** The private JWK that signs ID tokens (RS256), with its key id. */
  signing: JsonWebKey & { kid: string; alg: string; use: string };
  /** Keys for the provider's signed cookies, newest first. */
  cookies: string[];
}

/**
 * The provider's keys, made by the first instance to start and kept in the database, sealed with the key from the
 * environment, so every instance signs with the same key and honours the same cookies. An insert that loses a race
 * with another instance's reads that one's key instead.
 */
export async function providerKeys(db: Kysely<Database>, secrets: SecretBox): Promise<ProviderKeys> {
  const signing = await stored(db, secrets, 'signing', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' });
  });
  const cookies = await stored(db, secrets, 'cookies', () => JSON.stringify([randomBytes(32).toString('base64url')]));
  return { signing: JSON.parse(signing), cookies: JSON.parse(cookies) };
}

async function stored(db: Kysely<Database>, secrets: SecretBox, id: string, make: () => string): Promise<string> {
  const context = `oidc-key:${id}`;
  const read = () => db.selectFrom('oidc_keys').select('value').where('id', '=', id).executeTakeFirst();
  let row = await read();
  if (!row) {
    await db
      .insertInto('oidc_keys')
      .values({ id, value: secrets.seal(make(), context), created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    row = await read();
  }
  return secrets.open(row!.value, context);
}
