import { attribute, type AttributeDefinition, type SchemaDefinition } from './attribute.ts';
import { USER_SCHEMA } from './urns.ts';

/** The sub-attributes every RFC 7643 multi-valued attribute shares (§2.4). */
function multiValuedOf(
  name: string,
  valueType: AttributeDefinition['type'],
  types: string[],
  extra: AttributeDefinition[] = [],
): AttributeDefinition {
  return attribute(name, 'complex', {
    multiValued: true,
    subAttributes: [
      attribute('value', valueType),
      attribute('display', 'string'),
      attribute('type', 'string', { canonicalValues: types }),
      attribute('primary', 'boolean'),
      ...extra,
    ],
  });
}

/** RFC 7643 §4.1: the core User schema. */
export const coreUserSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'string', { required: true, uniqueness: 'server' }),
    attribute('name', 'complex', {
      subAttributes: [
        attribute('formatted', 'string'),
        attribute('familyName', 'string'),
        attribute('givenName', 'string'),
        attribute('middleName', 'string'),
        attribute('honorificPrefix', 'string'),
        attribute('honorificSuffix', 'string'),
      ],
    }),
    attribute('displayName', 'string'),
    attribute('nickName', 'string'),
    attribute('profileUrl', 'reference', { referenceTypes: ['external'] }),
    attribute('title', 'string'),
    attribute('userType', 'string'),
    attribute('preferredLanguage', 'string'),
    attribute('locale', 'string'),
    attribute('timezone', 'string'),
    attribute('active', 'boolean'),
    attribute('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
    multiValuedOf('emails', 'string', ['work', 'home', 'other']),
    multiValuedOf('phoneNumbers', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValuedOf('ims', 'string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValuedOf('photos', 'reference', ['photo', 'thumbnail']),
    attribute('addresses', 'complex', {
      multiValued: true,
      subAttributes: [
        attribute('formatted', 'string'),
        attribute('streetAddress', 'string'),
        attribute('locality', 'string'),
        attribute('region', 'string'),
        attribute('postalCode', 'string'),
        attribute('country', 'string'),
        attribute('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean'),
      ],
    }),
    attribute('groups', 'complex', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attribute('value', 'string', { mutability: 'readOnly' }),
        attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
        attribute('display', 'string', { mutability: 'readOnly' }),
        attribute('type', 'string', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multiValuedOf('entitlements', 'string', []),
    multiValuedOf('roles', 'string', []),
    multiValuedOf('x509Certificates', 'binary', []),
  ],
};
