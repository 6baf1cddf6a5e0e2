import type { SchemaDefinition } from './attribute.ts';
import type { ResourceSchema } from './resource-schema.ts';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from './urns.ts';

export interface ServiceProviderLimits {
  maxResults: number;
  maxPayloadSize: number;
}

/** RFC 7643 §5: what this service provider supports, so clients need not guess. */
export function serviceProviderConfig(limits: ServiceProviderLimits, baseUrl: string) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    documentationUri: 'https://github.com/roster-dev/roster#readme',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: limits.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Secret Token',
        description: 'The Secret Token of the directory, sent as "Authorization: Bearer <token>"',
        primary: true,
      },
    ],
    // Not in RFC 7643's list; clients that look for it learn the request size limit (bodies above it get 413).
    maxPayloadSize: limits.maxPayloadSize,
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/** RFC 7643 §6: the User and Group resource types, with the directory's extensions. */
export function resourceType(schema: ResourceSchema, baseUrl: string) {
  const endpoint = schema.type === 'User' ? '/Users' : '/Groups';
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: schema.type,
    name: schema.type,
    endpoint,
    description: schema.type === 'User' ? 'User Account' : 'Group',
    schema: schema.core.id,
    schemaExtensions: schema.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${schema.type}` },
  };
}

/** RFC 7643 §7: a schema as a resource. */
export function schemaResource(schema: SchemaDefinition, baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}
