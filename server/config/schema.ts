// The YAML shape users write (design.md, "Command line and config"). Every object is strict:
// an unknown key is a problem, not ignored, because a misspelt key silently falling back to a
// default is how a DHCP server ends up answering on the wrong network. Field syntax is checked
// here; rules that span fields live in checks.ts, and parse.ts turns the result into a Config.
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { field, integerIn, numberIn, oneOf, parseBoolean, valid, invalid, asText, type Parsed } from './field.ts';
import { parseClientId, parseDomainName, parseHostname, parseInterfaceName, parseMac } from './names.ts';
import {
  parseAddress,
  parseBridgeAddress,
  parseListen,
  parseMetricsListen,
  parsePool,
  parseSubnet,
} from './network.ts';
import { MAX_CLASSES } from '../dhcp/classes.ts';
import { classMatchSchema, optionsField, parseBootFile, parseClassName, parseServerHostname } from './boot.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const DURABILITY_MODES = ['process', 'power'] as const;
export const ACCEL_MODES = ['auto', 'kvm', 'tcg'] as const;

function parseDataDir(input: unknown): Parsed<string> {
  const text = asText(input, './data');
  if (!text.ok) return text;
  if (text.value.trim() === '') return invalid('is empty; name a folder, e.g. ./data');
  if (text.value.includes('\0')) return invalid('contains a NUL character; name a plain folder path');
  return valid(text.value);
}

/** A name a browser may send in the Host header: a DNS name, an IPv4 address or a [bracketed] IPv6 one. */
function parseHostHeaderName(input: unknown): Parsed<string> {
  const text = asText(input, 'homeplane.lab.home');
  if (!text.ok) return text;
  const name = text.value.trim().toLowerCase();
  if (/^\[[0-9a-f:.]+\]$/.test(name) || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name))
    return valid(name);
  return invalid(
    `"${text.value}" is not a host name; write the name alone, without scheme or port, e.g. homeplane.lab.home`,
  );
}

/** A folder path (relative ones resolve against the config file's folder). */
function parseFolder(input: unknown): Parsed<string> {
  const text = asText(input, './images');
  if (!text.ok) return text;
  if (text.value.trim() === '') return invalid('is empty; name a folder, e.g. ./images');
  if (text.value.includes('\0')) return invalid('contains a NUL character; name a plain folder path');
  return valid(text.value);
}

/** A file path (relative ones resolve against the config file's folder). */
function parseFile(input: unknown): Parsed<string> {
  const text = asText(input, './metrics.token');
  if (!text.ok) return text;
  if (text.value.trim() === '') return invalid('is empty; name a file, e.g. ./metrics.token');
  if (text.value.includes('\0')) return invalid('contains a NUL character; name a plain file path');
  return valid(text.value);
}

/** A Unix user name (useradd's rule); its existence is checked when VMs start. */
function parseUserName(input: unknown): Parsed<string> {
  const text = asText(input, 'nobody');
  if (!text.ok) return text;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(text.value)) return invalid(`"${text.value}" is not a user name such as nobody`);
  return valid(text.value);
}

/** Network boot: siaddr, the file field (or option 67), the sname field (or option 66). */
const bootFields = {
  nextServer: field(parseAddress).optional(),
  bootFile: field(parseBootFile).optional(),
  serverHostname: field(parseServerHostname).optional(),
};

const reservationFields = {
  mac: field(parseMac).optional(),
  clientId: field(parseClientId).optional(),
  ip: field(parseAddress),
  hostname: field(parseHostname).optional(),
  options: optionsField(),
  ...bootFields,
};

/** What the cross-field checks read of a reservation (its options are checked on their own). */
const salvagedReservationFields = {
  mac: reservationFields.mac,
  clientId: reservationFields.clientId,
  ip: reservationFields.ip,
  hostname: reservationFields.hostname,
};

/** A client class: who is in it (every match key given must hold), and what its members get. */
export const classSchema = z.strictObject({
  name: field(parseClassName),
  match: classMatchSchema,
  options: optionsField(),
  ...bootFields,
});

function list<T extends z.ZodType>(item: T) {
  return z.array(item).default([]);
}

/** The shorthand keys and the option each one is. */
export const SHORTHAND_OPTIONS = [
  ['routers', 3],
  ['dnsServers', 6],
  ['domainName', 15],
  ['ntpServers', 42],
] as const;

export const subnetSchema = z.strictObject({
  subnet: field(parseSubnet),
  pools: list(field(parsePool)),
  routers: list(field(parseAddress)),
  dnsServers: list(field(parseAddress)),
  ntpServers: list(field(parseAddress)),
  domainName: field(parseDomainName).optional(),
  leaseTime: field(parseDuration).optional(),
  options: optionsField(),
  ...bootFields,
  reservations: list(z.strictObject(reservationFields)),
});

/** Keeps a list's positions (so problems name the right index) while dropping broken entries. */
function salvagedList<T extends z.ZodType>(item: T) {
  return z.array(item.nullable().catch(null)).catch([]);
}

/**
 * A subnet as far as it can be read: unknown keys ignored and a broken entry left as null, so the
 * cross-field checks run on the sound parts while the strict schema reports the rest.
 */
export const salvagedSubnetSchema = z.object({
  subnet: field(parseSubnet),
  pools: salvagedList(field(parsePool)),
  routers: salvagedList(field(parseAddress)),
  dnsServers: salvagedList(field(parseAddress)),
  ntpServers: salvagedList(field(parseAddress)),
  leaseTime: field(parseDuration).optional().catch(undefined),
  /** Written at all: whether the shorthand sets option 15 (checked against the options list). */
  domainName: z.unknown().optional(),
  /** As written: the cross-field checks read only which codes its entries name. */
  options: z.unknown().optional(),
  reservations: salvagedList(z.object(salvagedReservationFields)),
});

/** Everything under dhcp except subnets. */
const dhcpSettingsShape = {
  enabled: field(parseBoolean).default(true),
  interfaces: z.array(field(parseInterfaceName)).default([]),
  port: field(integerIn(1, 65534)).default(67),
  authoritative: field(parseBoolean).default(true),
  leaseTime: field(parseDuration).default(3600),
  minLeaseTime: field(parseDuration).default(60),
  /** Defaults to max(leaseTime, 1 day), which needs leaseTime: resolved in load.ts. */
  maxLeaseTime: field(parseDuration).optional(),
  declineProbation: field(parseDuration).default(86_400),
  offerTimeout: field(parseDuration).default(60),
  reclaimInterval: field(parseDuration).default(10),
  durability: field(oneOf(DURABILITY_MODES)).default('process'),
  /**
   * A renewal arriving before this fraction of the lease has passed is answered from the stored
   * lease, with no write and no event (Kea's cache-threshold). 0 turns it off.
   */
  cacheThreshold: field(numberIn(0, 0.99)).default(0.25),
};

export const dhcpSettingsSchema = z.object(dhcpSettingsShape);

/** What the serving checks need, read on its own so a broken lease time doesn't hide them. */
export const dhcpServingSchema = z.object({
  enabled: dhcpSettingsShape.enabled,
  interfaces: salvagedList(field(parseInterfaceName)),
});

/** What the lease-time bound checks need. */
export const dhcpLeaseTimesSchema = z.object({
  leaseTime: dhcpSettingsShape.leaseTime,
  minLeaseTime: dhcpSettingsShape.minLeaseTime,
  maxLeaseTime: dhcpSettingsShape.maxLeaseTime,
});

const dhcpSchema = z.strictObject({
  ...dhcpSettingsShape,
  /** Global options: sent on every subnet unless a more specific scope sets the same code. */
  options: optionsField(),
  classes: list(classSchema).superRefine((classes, ctx) => {
    if (classes.length > MAX_CLASSES) {
      ctx.issues.push({
        code: 'custom',
        message: `${classes.length} classes; at most ${MAX_CLASSES} are allowed, merge some`,
        input: classes,
      });
    }
    classes.forEach((entry, index) => {
      const first = classes.findIndex((other) => other.name === entry.name);
      if (first !== index) {
        ctx.issues.push({
          code: 'custom',
          message: `"${entry.name}" is already the name of dhcp.classes[${first}]; give each class its own name`,
          input: entry.name,
          path: [index, 'name'],
        });
      }
    });
  }),
  subnets: z.array(subnetSchema).default([]),
});

export const configSchema = z.strictObject({
  dataDir: field(parseDataDir).default('./data'),
  log: z.strictObject({ level: field(oneOf(LOG_LEVELS)).default('info') }).prefault({}),
  grpc: z
    .strictObject({
      listen: field(parseListen).default('127.0.0.1:50051'),
      /** Watch streams open at once, over all clients. */
      maxWatchers: field(integerIn(1, 100_000)).default(2048),
      /** Watch streams open at once from one peer (an IP address; every unix-socket client is one peer). */
      maxWatchersPerPeer: field(integerIn(1, 100_000)).default(1024),
      /** HTTP/2 streams (calls) open at once on one connection. */
      maxStreamsPerConnection: field(integerIn(1, 100_000)).default(1100),
      /** How long a watcher catching up or taking a snapshot may stall (not read) before it is ended. */
      watchStallTimeout: field(parseDuration).default(30),
    })
    .prefault({}),
  /** How long the event log keeps events; watchers resuming from older revisions get a Reset. */
  events: z
    .strictObject({
      retention: field(parseDuration).default(7 * 86400),
      /** The log keeps at most this many events (oldest revisions go first). */
      maxRows: field(integerIn(1000, 1_000_000_000)).default(1_000_000),
    })
    .prefault({}),
  /** Prometheus metrics over HTTP; absent means no endpoint. */
  metrics: z
    .strictObject({
      listen: field(parseMetricsListen),
      /** Scrapes must send `Authorization: Bearer <the token in this file>` (made 0600 when missing). */
      tokenFile: field(parseFile).optional(),
    })
    .optional(),
  /** Absent means DHCP is off: it never answers on a network the user did not name. */
  dhcp: dhcpSchema.optional(),
  /** The dashboard (app/): read by `homeplane endpoint`, which `npm start` hands to it. */
  dashboard: z
    .strictObject({
      /** Host names (Host header, port aside) it answers besides localhost, 127.0.0.1 and [::1]: a reverse proxy's name. */
      allowedHosts: list(field(parseHostHeaderName)),
      /** Live event streams (browser tabs) open at once; past it, 503. */
      maxStreams: field(integerIn(1, 10_000)).default(256),
    })
    .prefault({}),
  hypervisor: z
    .strictObject({
      bridge: field(parseInterfaceName).default('homeplane0'),
      bridgeAddress: field(parseBridgeAddress).nullable().default(null),
      accel: field(oneOf(ACCEL_MODES)).default('auto'),
      /** Folders VMs may boot from (absolute after resolving); default <dataDir>/images, resolved in parse.ts. */
      imageDirs: z.array(field(parseFolder)).optional(),
      /** The user QEMU drops to once its files are open (QEMU -runas). */
      runAs: field(parseUserName).default('nobody'),
      /** (total - reserved) x ratio is what VMs may have of each resource. */
      allocationRatio: z
        .strictObject({
          vcpu: field(numberIn(0.1, 64)).default(4),
          memory: field(numberIn(0.1, 4)).default(1),
          disk: field(numberIn(0.1, 16)).default(1),
        })
        .prefault({}),
      /** Kept for the host itself. */
      reserved: z
        .strictObject({
          vcpus: field(integerIn(0, 4096)).default(0),
          memoryMib: field(integerIn(0, 16 * 1024 * 1024)).default(1024),
          diskGib: field(integerIn(0, 1024 * 1024)).default(0),
        })
        .prefault({}),
    })
    .prefault({}),
});

export type ParsedConfig = z.output<typeof configSchema>;
export type ParsedDhcpSettings = z.output<typeof dhcpSettingsSchema>;
export type DhcpServing = z.output<typeof dhcpServingSchema>;
export type DhcpLeaseTimes = z.output<typeof dhcpLeaseTimesSchema>;
export type ParsedSubnet = z.output<typeof subnetSchema>;
export type SalvagedSubnet = z.output<typeof salvagedSubnetSchema>;
export type SalvagedReservation = NonNullable<SalvagedSubnet['reservations'][number]>;
