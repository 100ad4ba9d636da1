// Validating config text: YAML -> schema (field syntax) -> cross-field checks -> resolved Config.
// Every problem found on the way is collected and thrown together as one ConfigError.
import { isAbsolute, join, resolve } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import { formatCidr } from '../dhcp/codec/ipv4.ts';
import { crossFieldProblems, effectiveMaxLeaseTime, type DhcpView } from './checks.ts';
import { describeIssue, problemsFromIssues } from './issues.ts';
import { ConfigError, type ConfigProblem } from './problems.ts';
import {
  configSchema,
  dhcpLeaseTimesSchema,
  dhcpServingSchema,
  dhcpSettingsSchema,
  salvagedSubnetSchema,
  type ParsedConfig,
  type ParsedSubnet,
} from './schema.ts';
import type { BootSettings, Config, DhcpConfig, SubnetConfig } from './types.ts';

export interface ParseOptions {
  /** Absolute path of the file the text came from; null for built-in text. */
  source: string | null;
  /** Folder that relative paths (dataDir, unix: sockets) resolve against. */
  baseDir: string;
}

/** Validates config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, options: ParseOptions): Config {
  const raw = readYaml(text, options.source);
  if (!isMapping(raw)) {
    throw new ConfigError([
      { path: '(top level)', reason: 'the config must be a mapping of keys (dataDir, grpc, dhcp, hypervisor, ...)' },
    ]);
  }
  const result = configSchema.safeParse(raw, { error: describeIssue });
  const problems: ConfigProblem[] = result.success ? [] : problemsFromIssues(result.error.issues, configSchema);
  problems.push(...crossFieldProblems(dhcpView(raw.dhcp)));
  if (!result.success || problems.length > 0) throw new ConfigError(sortByPath(problems));
  return toConfig(result.data, options);
}

/**
 * Parses the DHCP settings and each subnet on their own, so the cross-field checks still run on
 * the parts that are sound when another part of the file has a problem.
 */
function dhcpView(rawDhcp: unknown): DhcpView {
  if (!isMapping(rawDhcp)) return { serving: null, leaseTimes: null, subnetsWritten: 0, subnets: [] };
  const serving = dhcpServingSchema.safeParse(rawDhcp);
  const leaseTimes = dhcpLeaseTimesSchema.safeParse(rawDhcp);
  const rawSubnets = Array.isArray(rawDhcp.subnets) ? (rawDhcp.subnets as unknown[]) : [];
  const subnets: DhcpView['subnets'] = [];
  rawSubnets.forEach((rawSubnet, index) => {
    const subnet = salvagedSubnetSchema.safeParse(rawSubnet);
    if (subnet.success) subnets.push({ index, subnet: subnet.data });
  });
  // A dhcp.subnets that is not a list is reported by the schema; don't also call it missing.
  const subnetsWritten = Array.isArray(rawDhcp.subnets) ? rawSubnets.length : rawDhcp.subnets === undefined ? 0 : 1;
  return {
    serving: serving.success ? serving.data : null,
    leaseTimes: leaseTimes.success ? leaseTimes.data : null,
    subnetsWritten,
    subnets,
  };
}

function toConfig(parsed: ParsedConfig, options: ParseOptions): Config {
  const baseDir = resolve(options.baseDir);
  return {
    source: options.source === null ? null : resolve(options.source),
    dataDir: resolve(baseDir, parsed.dataDir),
    log: { level: parsed.log.level },
    grpc: { ...parsed.grpc, listen: resolveListen(parsed.grpc.listen, baseDir) },
    events: { retention: parsed.events.retention, maxRows: parsed.events.maxRows },
    dashboard: { allowedHosts: parsed.dashboard.allowedHosts, maxStreams: parsed.dashboard.maxStreams },
    metrics:
      parsed.metrics === undefined
        ? null
        : {
            listen: parsed.metrics.listen,
            tokenFile: parsed.metrics.tokenFile === undefined ? null : resolve(baseDir, parsed.metrics.tokenFile),
          },
    dhcp: toDhcpConfig(
      parsed.dhcp ?? { ...dhcpSettingsSchema.parse({ enabled: false }), options: [], classes: [], subnets: [] },
    ),
    hypervisor: {
      ...parsed.hypervisor,
      imageDirs: (parsed.hypervisor.imageDirs ?? [join(resolve(baseDir, parsed.dataDir), 'images')]).map((dir) =>
        resolve(baseDir, dir),
      ),
    },
  };
}

function toDhcpConfig(dhcp: NonNullable<ParsedConfig['dhcp']>): DhcpConfig {
  return {
    enabled: dhcp.enabled,
    interfaces: dhcp.interfaces,
    port: dhcp.port,
    authoritative: dhcp.authoritative,
    leaseTime: dhcp.leaseTime,
    minLeaseTime: dhcp.minLeaseTime,
    maxLeaseTime: effectiveMaxLeaseTime(dhcp),
    declineProbation: dhcp.declineProbation,
    offerTimeout: dhcp.offerTimeout,
    reclaimInterval: dhcp.reclaimInterval,
    durability: dhcp.durability,
    cacheThreshold: dhcp.cacheThreshold,
    options: dhcp.options,
    classes: dhcp.classes.map((entry) => ({
      name: entry.name,
      match: {
        vendorClass: entry.match.vendorClass ?? null,
        userClass: entry.match.userClass ?? null,
        clientArch: entry.match.clientArch ?? null,
        mac: entry.match.mac ?? null,
        hostname: entry.match.hostname ?? null,
      },
      options: entry.options,
      ...bootSettings(entry),
    })),
    subnets: dhcp.subnets.map(toSubnetConfig),
  };
}

function bootSettings(scope: { nextServer?: number; bootFile?: string; serverHostname?: string }): BootSettings {
  return {
    nextServer: scope.nextServer ?? null,
    bootFile: scope.bootFile ?? null,
    serverHostname: scope.serverHostname ?? null,
  };
}

function toSubnetConfig(subnet: ParsedSubnet): SubnetConfig {
  return {
    id: formatCidr(subnet.subnet),
    cidr: subnet.subnet,
    pools: subnet.pools,
    routers: subnet.routers,
    dnsServers: subnet.dnsServers,
    domainName: subnet.domainName ?? null,
    ntpServers: subnet.ntpServers,
    leaseTime: subnet.leaseTime ?? null,
    options: subnet.options,
    ...bootSettings(subnet),
    reservations: subnet.reservations.map((reservation) => ({
      mac: reservation.mac ?? null,
      clientId: reservation.clientId ?? null,
      ip: reservation.ip,
      hostname: reservation.hostname ?? null,
      options: reservation.options,
      ...bootSettings(reservation),
    })),
  };
}

/** "unix:grpc.sock" -> "unix:/abs/folder/grpc.sock"; "unix:///abs" and host:port stay as written. */
function resolveListen(listen: string, baseDir: string): string {
  if (!listen.startsWith('unix:') || listen.startsWith('unix://')) return listen;
  const socket = listen.slice('unix:'.length);
  return isAbsolute(socket) ? listen : `unix:${resolve(baseDir, socket)}`;
}

/** The YAML as plain data; an empty document is an empty mapping. */
function readYaml(text: string, source: string | null): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(document.errors.map((error) => syntaxProblem(error, source)));
  }
  try {
    return document.toJS() ?? {};
  } catch (error) {
    // The library refuses alias chains that would expand without bound ("billion laughs").
    const reason = `YAML could not be expanded: ${(error as Error).message}; use fewer aliases (*name)`;
    throw new ConfigError([{ path: source ?? 'config', reason }]);
  }
}

function syntaxProblem(error: YAMLError, source: string | null): ConfigProblem {
  const position = error.linePos?.[0];
  const where = position === undefined ? '' : `:${position.line}:${position.col}`;
  // The library appends "at line L, column C:" and a code excerpt; the path carries the position.
  const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
  const advice =
    error.code === 'DUPLICATE_KEY'
      ? 'keep only one of the repeated keys'
      : 'fix the YAML there (check indentation and quotes)';
  return { path: `${source ?? 'config'}${where}`, reason: `YAML syntax error: ${message}; ${advice}` };
}

/** Groups problems by where they are: dhcp.subnets[2] before dhcp.subnets[10]. */
function sortByPath(problems: ConfigProblem[]): ConfigProblem[] {
  const collator = new Intl.Collator('en', { numeric: true });
  return [...problems].sort((a, b) => collator.compare(a.path, b.path));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
