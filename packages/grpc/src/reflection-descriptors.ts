import type { PackageDefinition } from '@grpc/proto-loader';
import { FileDescriptorProto, type IDescriptorProto } from 'protobufjs/ext/descriptor';

/**
 * protobufjs names a map field's synthetic entry message after the field
 * (`Statuses`) where protoc names it `StatusesEntry`. Go-based tools such as
 * grpcurl reject such descriptors ("invalid map: incorrect implicit map entry
 * name"), which breaks `grpcurl describe` and calls to any service with a map
 * field, the health service's List included. Renaming the entries in the
 * descriptors served by reflection restores protoc's shape.
 */
export function withProtocMapEntryNames(definition: PackageDefinition): PackageDefinition {
  const fixed = new Map<Buffer, Buffer>();
  const fix = (bytes: Buffer): Buffer => {
    let result = fixed.get(bytes);
    if (!result) {
      const file = FileDescriptorProto.decode(bytes) as unknown as { messageType?: IDescriptorProto[] };
      for (const message of file.messageType ?? []) renameMapEntries(message);
      result = Buffer.from(FileDescriptorProto.encode(file as never).finish());
      fixed.set(bytes, result);
    }
    return result;
  };
  const out: PackageDefinition = {};
  for (const [name, entry] of Object.entries(definition)) {
    out[name] = Array.isArray(entry.fileDescriptorProtos)
      ? ({ ...entry, fileDescriptorProtos: entry.fileDescriptorProtos.map(fix) } as typeof entry)
      : entry;
  }
  return out;
}

function renameMapEntries(message: IDescriptorProto): void {
  for (const nested of message.nestedType ?? []) {
    renameMapEntries(nested);
    if (!nested.options?.mapEntry || !nested.name) continue;
    const oldName = nested.name;
    const field = message.field?.find((f) => f.typeName === oldName || f.typeName?.endsWith(`.${oldName}`));
    if (!field?.name || !field.typeName) continue;
    const entryName = `${pascalCase(field.name)}Entry`;
    if (entryName === oldName) continue;
    nested.name = entryName;
    field.typeName = field.typeName.slice(0, field.typeName.length - oldName.length) + entryName;
  }
}

/** protoc's rule for entry names: `foo_bar` → `FooBar`. */
function pascalCase(fieldName: string): string {
  return fieldName
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
