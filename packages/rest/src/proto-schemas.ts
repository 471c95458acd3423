import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Enum, type Field, type MapField, Root, Type } from 'protobufjs';

/** A JSON Schema object (the OpenAPI 3.1 dialect). */
export type JsonSchema = Record<string, unknown>;

const INTEGER_TYPES = new Set([
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'sfixed32',
  // The contracts are generated with forceLong=number: 64-bit integers travel as JSON numbers.
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64',
]);

/** The well-known types' JSON forms (proto3 JSON mapping). */
const WELL_KNOWN: Record<string, JsonSchema> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time' },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' },
};

/** Loads .proto files the way reflection serves them; google/protobuf imports come from protobufjs' bundled copies. */
export function loadProtoRoot(includeDirs: readonly string[], files: readonly string[]): Root {
  const root = new Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of includeDirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  // Plain `//` comments are the .proto files' documentation: they become descriptions and mark output-only fields.
  root.loadSync([...files], { alternateCommentMode: true });
  root.resolveAll();
  return root;
}

/** A field the server sets, documented as `// Output only...` in the .proto files. */
export function isOutputOnly(field: Field): boolean {
  return /^output only\b/i.test(field.comment ?? '');
}

/** How output-only fields appear: annotated (documents, responses), or refused (request validation). */
export type OutputOnlyFields = 'readOnly' | 'refuse';

function fullName(type: Type | Enum): string {
  return type.fullName.replace(/^\./, '');
}

/**
 * JSON Schemas of every message and enum reachable from `roots`, in the JSON
 * form ts-proto's toJSON/fromJSON use (lowerCamelCase names, enum value
 * names, RFC 3339 timestamps). Unknown properties are refused, so the same
 * schemas validate requests (mass assignment) and, in tests, responses.
 * Output-only fields are `readOnly`, or with `outputOnly: 'refuse'` the
 * `false` schema, so a request that writes one fails naming it.
 */
export function protoJsonSchemas(
  root: Root,
  roots: readonly string[],
  refPrefix: string,
  outputOnly: OutputOnlyFields = 'readOnly',
): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  const visit = (name: string): void => {
    if (schemas[name] || WELL_KNOWN[name]) return;
    const found = root.lookup(name);
    if (found instanceof Enum) {
      schemas[name] = { type: 'string', enum: Object.keys(found.values) };
      return;
    }
    if (!(found instanceof Type)) throw new Error(`${name} is not a message or enum in the loaded protos`);
    const properties: Record<string, JsonSchema | false> = {};
    schemas[name] = { type: 'object', additionalProperties: false, properties };
    for (const field of found.fieldsArray) {
      const schema = fieldSchema(field, refPrefix, visit);
      if (!isOutputOnly(field)) properties[field.name] = schema;
      else properties[field.name] = outputOnly === 'refuse' ? false : { ...schema, readOnly: true };
    }
  };
  for (const name of roots) visit(name);
  return schemas;
}

function fieldSchema(field: Field, refPrefix: string, visit: (name: string) => void): JsonSchema {
  const single = typeSchema(field, refPrefix, visit);
  const comment = field.comment ? { description: field.comment } : {};
  if (field.map && (field as unknown as MapField).keyType !== undefined) {
    return { type: 'object', additionalProperties: single, ...comment };
  }
  return field.repeated ? { type: 'array', items: single, ...comment } : { ...single, ...comment };
}

function typeSchema(field: Field, refPrefix: string, visit: (name: string) => void): JsonSchema {
  const resolved = field.resolvedType;
  if (resolved) {
    const name = fullName(resolved);
    const known = WELL_KNOWN[name];
    if (known) return { ...known };
    visit(name);
    return { $ref: `${refPrefix}${name}` };
  }
  if (INTEGER_TYPES.has(field.type)) return { type: 'integer' };
  switch (field.type) {
    case 'double':
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'bytes':
      return { type: 'string', contentEncoding: 'base64' };
    default:
      return { type: 'string' };
  }
}

/** The fields of a message, by JSON name, with whether each is a message (nested query parameters). */
export function messageFields(root: Root, name: string): Array<{ name: string; message?: string; repeated: boolean }> {
  const type = root.lookupType(name);
  return type.fieldsArray.map((field) => {
    const resolved = field.resolvedType;
    const message = resolved instanceof Type && !WELL_KNOWN[fullName(resolved)] ? fullName(resolved) : undefined;
    return { name: field.name, repeated: field.repeated, ...(message && { message }) };
  });
}
