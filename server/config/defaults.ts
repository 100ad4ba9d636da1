// The built-in config used when there is no config file. Like libvirt's default network
// (virbr0), DHCP serves only Homeplane's own lab bridge, never a network the user did not name.
// It is YAML run through the same parser as any file, so it is validated the same way.
import { parseConfig } from './parse.ts';
import type { Config } from './types.ts';

export const DEFAULT_CONFIG_YAML = `
dataDir: ./data
log:
  level: info
grpc:
  listen: 127.0.0.1:50051
metrics:
  listen: 127.0.0.1:9478
dhcp:
  enabled: true
  interfaces: [homeplane0]
  subnets:
    - subnet: 10.123.0.0/24
      pools: ["10.123.0.100-10.123.0.199"]
      routers: [10.123.0.1]
      dnsServers: [10.123.0.1]
      domainName: lab.home
hypervisor:
  bridge: homeplane0
  bridgeAddress: 10.123.0.1/24
  accel: auto
`;

/** The safe default; relative paths (dataDir) resolve against `baseDir`. */
export function defaultConfig(baseDir: string): Config {
  return parseConfig(DEFAULT_CONFIG_YAML, { source: null, baseDir });
}
