import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretError } from './secret-error.ts';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Names the format, so a later one can be told apart from rows written with this one. */
const PREFIX = 'aesgcm1:';

/**
 * Encrypts secrets at rest (webhook signing secrets, SSO client secrets) with AES-256-GCM under the operator's key.
 * Each sealed value is bound to a context (the row it belongs to) as associated data, so a secret copied into another
 * row does not open there.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretError(`the secret key must be ${KEY_BYTES} bytes, not ${key.length}`);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv).setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  open(sealed: string, context: string): string {
    const bytes = Buffer.from(sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length) : '', 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretError('a stored secret is not in a format this version reads');
    const decipher = createDecipheriv(ALGORITHM, this.key, bytes.subarray(0, IV_BYTES)).setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretError('the secret key does not open the stored secrets (webhook and SSO client secrets): use the key they were stored with (ROSTER_SECRET_KEY or the key file)');
    }
  }
}
