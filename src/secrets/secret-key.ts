import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { DialectName } from '../store/connect.ts';
import { SecretBox } from './secret-box.ts';
import { SecretError } from './secret-error.ts';

const SECRET_KEY_VARIABLE = 'ROSTER_SECRET_KEY';

/** Where the key lives when ROSTER_SECRET_KEY is unset and the database is a SQLite file. */
export const keyFileOf = (sqliteFile: string) => `${sqliteFile}.secret-key`;

/** A 32-byte key written as 64 hex digits or as base64 (`openssl rand -base64 32`). */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new SecretError(`${SECRET_KEY_VARIABLE} must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)`);
  return key;
}

export interface SecretKeySource {
  dialect: DialectName;
  /** What `--database` named: a SQLite file gets a key file beside it. */
  location: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The key that encrypts stored secrets (webhook signing secrets, SSO client secrets): ROSTER_SECRET_KEY when set.
 * Otherwise a single SQLite file keeps working with no setup, as a trial expects: the key is a file beside the
 * database (`roster.db.secret-key`, readable by its owner only), made by the first secret stored. PostgreSQL runs
 * several instances that must share the key, so there it must come from the environment. The box is made on first
 * use: without webhooks or SSO no key is needed.
 */
export function lazySecretBox(source: SecretKeySource, options: { create: boolean }): () => SecretBox {
  let box: SecretBox | undefined;
  return () => (box ??= new SecretBox(findSecretKey(source, options)));
}

function findSecretKey({ dialect, location, env = process.env }: SecretKeySource, { create }: { create: boolean }): Buffer {
  const fromEnv = env[SECRET_KEY_VARIABLE];
  if (fromEnv) return parseSecretKey(fromEnv);
  if (dialect !== 'sqlite' || location === ':memory:') {
    throw new SecretError(`webhook and SSO client secrets are encrypted with a key from ${SECRET_KEY_VARIABLE}: set it on every instance (openssl rand -base64 32)`);
  }
  const file = keyFileOf(location);
  if (create) {
    try {
      // 'wx': a key file that another process created a moment ago is kept, never overwritten.
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  try {
    return parseSecretKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new SecretError(`no key for the stored secrets: set ${SECRET_KEY_VARIABLE}, or restore ${file}`);
  }
}
