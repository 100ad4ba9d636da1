// A grpc.health.v1.Health client for tests, from the service definition grpc-health-check
// loads (the same proto the daemon serves), with the enum as its name ("SERVING").
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

export interface HealthStatus {
  status: string;
}

export type HealthClient = grpc.Client & {
  Check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, response: HealthStatus) => void,
  ): grpc.ClientUnaryCall;
  Watch(request: { service: string }): grpc.ClientReadableStream<HealthStatus>;
  List(
    request: object,
    callback: (err: grpc.ServiceError | null, response: { statuses: Record<string, HealthStatus> }) => void,
  ): void;
};

export function healthClient(address: string, options: grpc.ChannelOptions = {}): HealthClient {
  const Client = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
  return new Client(address, grpc.credentials.createInsecure(), options) as unknown as HealthClient;
}

/** Check's outcome: the status name, or the error the call ended with (DEADLINE_EXCEEDED after 5 s). */
export function check(client: HealthClient, service: string): Promise<{ status?: string; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    client.Check({ service }, { deadline: Date.now() + 5_000 }, (error, response) =>
      resolve(error ? { error } : { status: response.status }),
    );
  });
}
