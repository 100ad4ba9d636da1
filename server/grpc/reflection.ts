// Server reflection (grpc.reflection.v1 and v1alpha) for the homeplane.v1 services and the
// health service, so grpcurl and similar tools work without the .proto files. The contract is
// loaded from proto/ with keepCase, so reflection clients see the real field names.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';

export const HOMEPLANE_SERVICES = [
  'homeplane.v1.EventService',
  'homeplane.v1.LeaseService',
  'homeplane.v1.ReservationService',
  'homeplane.v1.SubnetService',
  'homeplane.v1.StatsService',
] as const;

/** Served when the daemon runs VMs (GrpcServerOptions.hypervisor). */
export const HYPERVISOR_SERVICES = [
  'homeplane.v1.VmService',
  'homeplane.v1.HostService',
  'homeplane.v1.ImageService',
] as const;

/** Served when the server is told what the daemon started (GrpcServerOptions.status). */
export const STATUS_SERVICES = ['homeplane.v1.StatusService'] as const;

/** Served when the daemon holds the dashboard's accounts (GrpcServerOptions.auth). */
export const AUTH_SERVICES = ['homeplane.v1.AuthService'] as const;

const HEALTH_SERVICE = 'grpc.health.v1.Health';

function protoRoot(): string {
  return fileURLToPath(new URL('../../proto/', import.meta.url));
}

/** Reflection lists `services` (the homeplane.v1 services this server serves) and health; every message type stays resolvable. */
export function addReflection(server: grpc.Server, services: readonly string[]): void {
  const root = protoRoot();
  const contract = readdirSync(join(root, 'homeplane', 'v1'))
    .filter((name) => name.endsWith('.proto'))
    .map((name) => `homeplane/v1/${name}`);
  // grpc-health-check ships health/v1/health.proto two folders below its include root.
  const healthRoot = dirname(dirname(dirname(healthProtoPath)));
  const definition = protoLoader.loadSync([...contract, 'health/v1/health.proto'], {
    includeDirs: [root, healthRoot],
    keepCase: true,
  });
  new ReflectionService(definition, { services: [...services, HEALTH_SERVICE] }).addToServer(server);
}
