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
  const filesByPackage = packageFiles(definition);
  const fix = (bytes: Buffer): Buffer => {
    let result = fixed.get(bytes);
    if (!result) {
      const file = FileDescriptorProto.decode(bytes) as unknown as ReflectedFile;
      for (const message of file.messageType ?? []) renameMapEntries(message);
      addDependencies(file, filesByPackage);
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

interface ReflectedFile {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: IDescriptorProto[];
  service?: Array<{ method?: Array<{ inputType?: string; outputType?: string }> }>;
}

/** proto-loader emits one file per package (`google_protobuf.proto`); which file holds each package. */
function packageFiles(definition: PackageDefinition): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of Object.values(definition)) {
    if (!Array.isArray(entry.fileDescriptorProtos)) continue;
    for (const bytes of entry.fileDescriptorProtos) {
      const file = FileDescriptorProto.decode(bytes) as unknown as ReflectedFile;
      if (file.name && file.package !== undefined) files.set(file.package, file.name);
    }
  }
  return files;
}

/**
 * proto-loader's per-package files declare no imports, so a client resolving
 * `.google.protobuf.Timestamp` from omni's file finds nothing (grpcurl: "cannot
 * resolve type"). Each file gets the files of the packages its types refer to.
 */
function addDependencies(file: ReflectedFile, filesByPackage: Map<string, string>): void {
  const referenced = new Set<string>();
  const visit = (message: IDescriptorProto) => {
    for (const field of message.field ?? []) if (field.typeName) referenced.add(field.typeName);
    for (const nested of message.nestedType ?? []) visit(nested);
  };
  for (const message of file.messageType ?? []) visit(message);
  for (const service of file.service ?? []) {
    for (const method of service.method ?? []) {
      if (method.inputType) referenced.add(method.inputType);
      if (method.outputType) referenced.add(method.outputType);
    }
  }
  const dependencies = new Set(file.dependency ?? []);
  for (const typeName of referenced) {
    const fullName = typeName.replace(/^\./, '');
    let owner: string | undefined;
    for (const pkg of filesByPackage.keys()) {
      if (fullName.startsWith(`${pkg}.`) && (owner === undefined || pkg.length > owner.length)) owner = pkg;
    }
    const dependency = owner === undefined ? undefined : filesByPackage.get(owner);
    if (dependency && dependency !== file.name) dependencies.add(dependency);
  }
  file.dependency = [...dependencies];
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
