import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { FileDescriptorProto, type IDescriptorProto } from 'protobufjs/ext/descriptor';
import { withProtocMapEntryNames } from './reflection-descriptors';

function message(definition: PackageDefinition, fullName: string): IDescriptorProto {
  const entry = definition[fullName];
  if (!entry || !Array.isArray(entry.fileDescriptorProtos)) throw new Error(`no ${fullName}`);
  const simpleName = fullName.split('.').pop();
  for (const bytes of entry.fileDescriptorProtos) {
    const file = FileDescriptorProto.decode(bytes) as unknown as { messageType: IDescriptorProto[] };
    const found = file.messageType.find((m) => m.name === simpleName);
    if (found) return found;
  }
  throw new Error(`${fullName} not in its file descriptors`);
}

describe('withProtocMapEntryNames', () => {
  it('renames the health List response map entry as protoc does', () => {
    const loaded = loadSync(healthProtoPath);
    expect(message(loaded, 'grpc.health.v1.HealthListResponse').nestedType?.[0]?.name).toBe('Statuses');

    const fixed = message(withProtocMapEntryNames(loaded), 'grpc.health.v1.HealthListResponse');
    expect(fixed.nestedType?.map((n) => n.name)).toEqual(['StatusesEntry']);
    expect(fixed.field?.[0]).toMatchObject({ name: 'statuses', typeName: 'StatusesEntry' });
  });

  it('handles snake_case fields and nested messages, leaving other types alone', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omni-grpc-'));
    writeFileSync(
      path.join(dir, 'maps.proto'),
      `syntax = "proto3";
       package maps.v1;
       message Outer {
         message Inner { map<string, int32> load_by_channel = 1; }
         Inner inner = 1;
         map<string, string> tags = 2;
       }`,
    );
    const fixed = message(withProtocMapEntryNames(loadSync('maps.proto', { includeDirs: [dir] })), 'maps.v1.Outer');
    expect(fixed.nestedType?.map((n) => n.name).sort()).toEqual(['Inner', 'TagsEntry']);
    expect(fixed.field?.find((f) => f.name === 'inner')?.typeName).toBe('Inner');
    const inner = fixed.nestedType?.find((n) => n.name === 'Inner');
    expect(inner?.nestedType?.map((n) => n.name)).toEqual(['LoadByChannelEntry']);
    expect(inner?.field?.[0]?.typeName).toBe('LoadByChannelEntry');
  });
});
