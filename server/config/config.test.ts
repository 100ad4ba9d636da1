// One table of cases, in the manner of coredhcp's config/config_test.go: each case is a YAML text
// and either the problems it must produce (path + part of the reason) or values it must resolve to.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIPv4 } from '../dhcp/codec/ipv4.ts';
import { ConfigError, defaultConfig, formatProblems, loadConfigFile, parseConfig } from './load.ts';
import type { Config } from './types.ts';

const BASE_DIR = '/srv/homeplane';

interface Case {
  name: string;
  yaml: string;
  /** Every problem expected, in any order: the path exactly, and a part of the reason. */
  problems?: [path: string, reasonPart: string][];
  /** Values in the resolved Config, addressed by the same dotted paths problems use. */
  values?: Record<string, unknown>;
}

function ip(text: string): number {
  const value = parseIPv4(text);
  assert.notEqual(value, null, `bad test address ${text}`);
  return value as number;
}

/** A valid config with one subnet 10.0.0.0/24; `subnet` lines go under it, `dhcp` lines under dhcp. */
function lab(subnet = '', dhcp = ''): string {
  return [
    'dhcp:',
    '  interfaces: [br0]',
    ...indent(dhcp, 2),
    '  subnets:',
    '    - subnet: 10.0.0.0/24',
    ...indent(subnet, 6),
  ].join('\n');
}

function indent(text: string, spaces: number): string[] {
  return text === '' ? [] : text.split('\n').map((line) => ' '.repeat(spaces) + line);
}

const cases: Case[] = [
  // --- defaults and resolved values
  {
    name: 'minimal DHCP config takes every default',
    yaml: lab(),
    values: {
      source: null,
      dataDir: '/srv/homeplane/data',
      'log.level': 'info',
      'grpc.listen': '127.0.0.1:50051',
      'grpc.maxWatchers': 2048,
      'grpc.maxWatchersPerPeer': 1024,
      'grpc.maxStreamsPerConnection': 1100,
      'grpc.watchStallTimeout': 30,
      'events.maxRows': 1_000_000,
      'dashboard.allowedHosts': [],
      'dashboard.maxStreams': 256,
      'dhcp.cacheThreshold': 0.25,
      'dhcp.enabled': true,
      'dhcp.interfaces': ['br0'],
      'dhcp.port': 67,
      'dhcp.authoritative': true,
      'dhcp.leaseTime': 3600,
      'dhcp.minLeaseTime': 60,
      'dhcp.maxLeaseTime': 86_400,
      'dhcp.declineProbation': 86_400,
      'dhcp.offerTimeout': 60,
      'dhcp.reclaimInterval': 10,
      'dhcp.durability': 'process',
      'dhcp.subnets[0].id': '10.0.0.0/24',
      'dhcp.subnets[0].cidr': { network: ip('10.0.0.0'), prefix: 24 },
      'dhcp.subnets[0].pools': [],
      'dhcp.subnets[0].routers': [],
      'dhcp.subnets[0].domainName': null,
      'dhcp.subnets[0].leaseTime': null,
      'dhcp.subnets[0].reservations': [],
      'hypervisor.bridge': 'homeplane0',
      'hypervisor.bridgeAddress': null,
      'hypervisor.accel': 'auto',
      'hypervisor.imageDirs': ['/srv/homeplane/data/images'],
      'hypervisor.runAs': 'nobody',
      'hypervisor.allocationRatio': { vcpu: 4, memory: 1, disk: 1 },
      'hypervisor.reserved': { vcpus: 0, memoryMib: 1024, diskGib: 0 },
    },
  },
  {
    name: 'an empty file leaves DHCP off rather than guessing a network',
    yaml: '',
    values: { 'dhcp.enabled': false, 'dhcp.interfaces': [], 'dhcp.subnets': [], dataDir: '/srv/homeplane/data' },
  },
  {
    name: 'a disabled DHCP section needs no interfaces or subnets',
    yaml: 'dhcp:\n  enabled: false',
    values: { 'dhcp.enabled': false, 'dhcp.subnets': [] },
  },
  {
    name: 'the design document example resolves',
    yaml: `
dataDir: ./data
grpc:
  listen: 127.0.0.1:50051
dhcp:
  interfaces: [br0]
  port: 67
  authoritative: true
  leaseTime: 3600
  subnets:
    - subnet: 10.123.0.0/24
      pools: ["10.123.0.100-10.123.0.199"]
      routers: [10.123.0.1]
      dnsServers: [10.123.0.1]
      domainName: lab.home
      reservations:
        - { mac: "52:54:00:aa:bb:cc", ip: 10.123.0.10, hostname: nas }
hypervisor:
  bridge: br0
  accel: auto`,
    values: {
      'dhcp.subnets[0].pools[0]': { start: ip('10.123.0.100'), end: ip('10.123.0.199') },
      'dhcp.subnets[0].routers': [ip('10.123.0.1')],
      'dhcp.subnets[0].dnsServers': [ip('10.123.0.1')],
      'dhcp.subnets[0].domainName': 'lab.home',
      'dhcp.subnets[0].reservations[0]': {
        mac: '52:54:00:aa:bb:cc',
        clientId: null,
        ip: ip('10.123.0.10'),
        hostname: 'nas',
        options: [],
        nextServer: null,
        bootFile: null,
        serverHostname: null,
      },
      'hypervisor.bridge': 'br0',
    },
  },
  {
    name: 'every setting written out is kept',
    yaml: `
dataDir: /var/lib/homeplane
log: { level: debug }
grpc: { listen: "[::1]:0" }
dhcp:
  enabled: true
  interfaces: [br0, lab-vlan10]
  port: 1067
  authoritative: false
  leaseTime: 2d
  minLeaseTime: 5m
  declineProbation: 1h
  offerTimeout: 30s
  reclaimInterval: 1m
  durability: power
  subnets:
    - subnet: 10.0.0.0/24
      ntpServers: [10.0.0.5]
hypervisor: { bridge: br-lab, bridgeAddress: 10.0.0.1/24, accel: tcg }`,
    values: {
      dataDir: '/var/lib/homeplane',
      'log.level': 'debug',
      'grpc.listen': '[::1]:0',
      'dhcp.interfaces': ['br0', 'lab-vlan10'],
      'dhcp.port': 1067,
      'dhcp.authoritative': false,
      'dhcp.leaseTime': 172_800,
      'dhcp.minLeaseTime': 300,
      // maxLeaseTime defaults to max(leaseTime, 1 day).
      'dhcp.maxLeaseTime': 172_800,
      'dhcp.declineProbation': 3600,
      'dhcp.offerTimeout': 30,
      'dhcp.reclaimInterval': 60,
      'dhcp.durability': 'power',
      'dhcp.subnets[0].ntpServers': [ip('10.0.0.5')],
      'hypervisor.bridge': 'br-lab',
      'hypervisor.bridgeAddress': '10.0.0.1/24',
      'hypervisor.accel': 'tcg',
    },
  },
  {
    name: 'durations: compound text, plain seconds as number or text, weeks',
    yaml: lab('leaseTime: 1h30m', 'leaseTime: "7200"\nminLeaseTime: 90\nmaxLeaseTime: 2w\ndeclineProbation: 1d12h'),
    values: {
      'dhcp.leaseTime': 7200,
      'dhcp.minLeaseTime': 90,
      'dhcp.maxLeaseTime': 1_209_600,
      'dhcp.declineProbation': 129_600,
      'dhcp.subnets[0].leaseTime': 5400,
    },
  },
  {
    name: 'MACs and client ids are normalised; pools may be CIDR blocks; a trailing dot is dropped',
    yaml: lab(
      [
        'pools: [10.0.0.128/26, "10.0.0.10 - 10.0.0.20"]',
        'domainName: Lab.Home.',
        'reservations:',
        '  - { mac: "52-54-00-AA-BB-CC", ip: 10.0.0.30 }',
        '  - { clientId: "01:52:54:00:AA:BB:DD", ip: 10.0.0.31, hostname: printer.lab.home }',
        '  - { clientId: 01525400aabbee, ip: 10.0.0.32 }',
      ].join('\n'),
    ),
    values: {
      'dhcp.subnets[0].pools': [
        { start: ip('10.0.0.128'), end: ip('10.0.0.191') },
        { start: ip('10.0.0.10'), end: ip('10.0.0.20') },
      ],
      'dhcp.subnets[0].domainName': 'Lab.Home',
      'dhcp.subnets[0].reservations[0].mac': '52:54:00:aa:bb:cc',
      'dhcp.subnets[0].reservations[1]': {
        mac: null,
        clientId: '01525400aabbdd',
        ip: ip('10.0.0.31'),
        hostname: 'printer.lab.home',
        options: [],
        nextServer: null,
        bootFile: null,
        serverHostname: null,
      },
      'dhcp.subnets[0].reservations[2].clientId': '01525400aabbee',
    },
  },
  {
    name: 'relative paths resolve against the config folder',
    yaml: 'dataDir: state/homeplane\ngrpc: { listen: "unix:run/grpc.sock" }',
    values: { dataDir: '/srv/homeplane/state/homeplane', 'grpc.listen': 'unix:/srv/homeplane/run/grpc.sock' },
  },
  {
    name: 'absolute unix sockets and host names stay as written',
    yaml: 'grpc: { listen: "unix:/run/homeplane.sock" }',
    values: { 'grpc.listen': 'unix:/run/homeplane.sock' },
  },
  {
    name: 'a host name may be the gRPC host',
    yaml: 'grpc: { listen: "localhost:50051" }',
    values: { 'grpc.listen': 'localhost:50051' },
  },
  {
    name: 'a reservation may sit inside a pool and routers may be anywhere in the subnet',
    yaml: lab(
      'pools: ["10.0.0.100-10.0.0.199"]\nrouters: [10.0.0.254]\nreservations:\n  - { mac: "52:54:00:00:00:01", ip: 10.0.0.150 }',
    ),
    values: { 'dhcp.subnets[0].reservations[0].ip': ip('10.0.0.150'), 'dhcp.subnets[0].routers': [ip('10.0.0.254')] },
  },
  {
    name: 'adjacent pools and adjacent subnets do not overlap',
    yaml: [
      'dhcp:',
      '  interfaces: [br0]',
      '  subnets:',
      '    - { subnet: 10.0.0.0/25, pools: ["10.0.0.1-10.0.0.50", "10.0.0.51-10.0.0.126"] }',
      '    - { subnet: 10.0.0.128/25, pools: ["10.0.0.129-10.0.0.254"] }',
    ].join('\n'),
    values: { 'dhcp.subnets[1].id': '10.0.0.128/25' },
  },

  // --- unknown keys
  { name: 'unknown top-level key', yaml: 'dhpc: {}', problems: [['dhpc', 'did you mean "dhcp"?']] },
  {
    name: 'near miss in a subnet',
    yaml: lab('pool: ["10.0.0.10-10.0.0.20"]'),
    problems: [['dhcp.subnets[0].pool', 'unknown key (did you mean "pools"?)']],
  },
  {
    name: 'abbreviated key',
    yaml: lab('dns: [10.0.0.1]'),
    problems: [['dhcp.subnets[0].dns', 'did you mean "dnsServers"?']],
  },
  { name: 'wrong case', yaml: lab('', 'LeaseTime: 60'), problems: [['dhcp.LeaseTime', 'did you mean "leaseTime"?']] },
  {
    name: 'unknown key with nothing close lists the allowed keys',
    yaml: 'hypervisor: { memory: 4096 }',
    problems: [['hypervisor.memory', 'the keys allowed here are: bridge, bridgeAddress, accel']],
  },
  {
    name: 'unknown key inside a reservation',
    yaml: lab('reservations:\n  - { mac: "52:54:00:00:00:01", ip: 10.0.0.5, hostnme: nas }'),
    problems: [['dhcp.subnets[0].reservations[0].hostnme', 'did you mean "hostname"?']],
  },

  // --- durations
  {
    name: 'duration with an unknown unit',
    yaml: lab('', 'leaseTime: 1x'),
    problems: [['dhcp.leaseTime', '"1x" is not a duration; use seconds or a value like "90s", "30m", "1h", "1d"']],
  },
  {
    name: 'zero duration',
    yaml: lab('', 'offerTimeout: 0s'),
    problems: [['dhcp.offerTimeout', 'must be longer than zero']],
  },
  {
    name: 'negative seconds',
    yaml: lab('', 'reclaimInterval: -5'),
    problems: [['dhcp.reclaimInterval', 'must be longer than zero']],
  },
  {
    name: 'fractional seconds',
    yaml: lab('', 'leaseTime: 1.5'),
    problems: [['dhcp.leaseTime', 'not a whole number of seconds']],
  },
  {
    name: 'units out of order',
    yaml: lab('', 'leaseTime: 30m1h'),
    problems: [['dhcp.leaseTime', 'is not a duration']],
  },
  {
    name: 'duration beyond 32 bits',
    yaml: lab('', 'declineProbation: 10000w'),
    problems: [['dhcp.declineProbation', 'too long']],
  },
  {
    name: 'duration of the wrong type',
    yaml: lab('', 'leaseTime: [1h]'),
    problems: [['dhcp.leaseTime', 'expected a duration, got a list']],
  },

  // --- lease time bounds
  {
    name: 'leaseTime below minLeaseTime',
    yaml: lab('', 'leaseTime: 30\nminLeaseTime: 1m'),
    problems: [['dhcp.leaseTime', '30s is below minLeaseTime (1m)']],
  },
  {
    name: 'leaseTime above maxLeaseTime',
    yaml: lab('', 'leaseTime: 2d\nmaxLeaseTime: 1d'),
    problems: [['dhcp.leaseTime', '2d is above maxLeaseTime (1d)']],
  },
  {
    name: 'minLeaseTime above maxLeaseTime',
    yaml: lab('', 'minLeaseTime: 2h\nmaxLeaseTime: 1h'),
    problems: [['dhcp.minLeaseTime', 'longer than maxLeaseTime (1h)']],
  },
  {
    name: 'subnet leaseTime out of bounds',
    yaml: lab('leaseTime: 30d'),
    problems: [['dhcp.subnets[0].leaseTime', 'above maxLeaseTime (1d)']],
  },

  // --- dhcp settings
  {
    name: 'enabled without interfaces',
    yaml: 'dhcp:\n  subnets:\n    - subnet: 10.0.0.0/24',
    problems: [['dhcp.interfaces', 'no interface is named']],
  },
  {
    name: 'enabled without subnets',
    yaml: 'dhcp:\n  interfaces: [br0]',
    problems: [['dhcp.subnets', 'no subnet is configured']],
  },
  {
    name: 'enabled with an empty subnet list',
    yaml: 'dhcp:\n  interfaces: [br0]\n  subnets: []',
    problems: [['dhcp.subnets', 'no subnet is configured']],
  },
  {
    name: 'interface names follow the kernel rules',
    yaml: 'dhcp:\n  enabled: false\n  interfaces: [averyveryverylongname, "eth0:1", "a/b", "", br0, br0]',
    problems: [
      ['dhcp.interfaces[0]', 'longer than 15 characters'],
      ['dhcp.interfaces[1]', "may not contain '/', ':' or spaces"],
      ['dhcp.interfaces[2]', "may not contain '/', ':' or spaces"],
      ['dhcp.interfaces[3]', 'is empty'],
      ['dhcp.interfaces[5]', 'listed twice (also at dhcp.interfaces[4])'],
    ],
  },
  { name: 'port 0', yaml: lab('', 'port: 0'), problems: [['dhcp.port', '0 is outside 1-65534']] },
  {
    name: 'port 65535 leaves no client port',
    yaml: lab('', 'port: 65535'),
    problems: [['dhcp.port', 'outside 1-65534']],
  },
  {
    name: 'port as text',
    yaml: lab('', 'port: "67"'),
    problems: [['dhcp.port', 'expected a whole number 1-65534, got "67"']],
  },
  {
    name: 'yes is not a boolean in YAML 1.2',
    yaml: lab('', 'authoritative: yes'),
    problems: [['dhcp.authoritative', 'expected true or false, got "yes"']],
  },
  {
    name: 'unknown durability',
    yaml: lab('', 'durability: disk'),
    problems: [['dhcp.durability', 'not one of: process, power']],
  },
  {
    name: 'subnets must be a list',
    yaml: 'dhcp:\n  interfaces: [br0]\n  subnets: 10.0.0.0/24',
    problems: [['dhcp.subnets', 'expected a list']],
  },
  { name: 'dhcp must be a mapping', yaml: 'dhcp: on', problems: [['dhcp', 'expected a mapping of keys']] },

  // --- top level, log, grpc, hypervisor
  {
    name: 'unknown log level',
    yaml: 'log: { level: verbose }',
    problems: [['log.level', 'not one of: trace, debug, info, warn, error, fatal']],
  },
  { name: 'empty dataDir', yaml: 'dataDir: ""', problems: [['dataDir', 'is empty']] },
  {
    name: 'listen port out of range',
    yaml: 'grpc: { listen: "127.0.0.1:70000" }',
    problems: [['grpc.listen', 'port "70000" is not a number 0-65535']],
  },
  { name: 'listen without a port', yaml: 'grpc: { listen: "127.0.0.1" }', problems: [['grpc.listen', 'has no port']] },
  {
    name: 'listen host is not an address',
    yaml: 'grpc: { listen: "300.1.1.1:50051" }',
    problems: [['grpc.listen', 'host "300.1.1.1" is not an address']],
  },
  {
    name: 'listen with a bad IPv6 host',
    yaml: 'grpc: { listen: "[::g]:50051" }',
    problems: [['grpc.listen', 'host "[::g]"']],
  },
  {
    name: 'unix listen without a path',
    yaml: 'grpc: { listen: "unix:" }',
    problems: [['grpc.listen', 'names no socket path']],
  },
  {
    name: 'watcher cap zero',
    yaml: 'grpc: { maxWatchers: 0 }',
    problems: [['grpc.maxWatchers', '0 is outside 1-100000']],
  },
  {
    name: 'per-peer watcher cap as text',
    yaml: 'grpc: { maxWatchersPerPeer: many }',
    problems: [['grpc.maxWatchersPerPeer', 'expected a whole number 1-100000, got "many"']],
  },
  {
    name: 'stall timeout not a duration',
    yaml: 'grpc: { watchStallTimeout: soon }',
    problems: [['grpc.watchStallTimeout', '"soon" is not a duration']],
  },
  {
    name: 'event log row cap too small',
    yaml: 'events: { maxRows: 10 }',
    problems: [['events.maxRows', '10 is outside 1000-1000000000']],
  },
  {
    name: 'cache threshold of a whole lease',
    yaml: lab('', 'cacheThreshold: 1'),
    problems: [['dhcp.cacheThreshold', '1 is outside 0-0.99']],
  },
  {
    name: 'cache threshold as a percentage text',
    yaml: lab('', 'cacheThreshold: "25%"'),
    problems: [['dhcp.cacheThreshold', 'expected a number 0-0.99, got "25%"']],
  },
  {
    name: 'allowed host with a scheme',
    yaml: 'dashboard: { allowedHosts: ["https://lab.example"] }',
    problems: [['dashboard.allowedHosts[0]', 'is not a host name; write the name alone']],
  },
  {
    name: 'dashboard stream cap zero',
    yaml: 'dashboard: { maxStreams: 0 }',
    problems: [['dashboard.maxStreams', '0 is outside 1-10000']],
  },
  { name: 'unknown dashboard key', yaml: 'dashboard: { port: 3000 }', problems: [['dashboard.port', 'unknown']] },
  {
    name: 'bridge name too long',
    yaml: 'hypervisor: { bridge: homeplane-bridge0 }',
    problems: [['hypervisor.bridge', 'longer than 15 characters']],
  },
  {
    name: 'bridge address is the network',
    yaml: 'hypervisor: { bridgeAddress: 10.123.0.0/24 }',
    problems: [
      ['hypervisor.bridgeAddress', 'is the network address; give the bridge a host address such as 10.123.0.1/24'],
    ],
  },
  {
    name: 'bridge address is the broadcast',
    yaml: 'hypervisor: { bridgeAddress: 10.123.0.255/24 }',
    problems: [['hypervisor.bridgeAddress', 'is the broadcast address']],
  },
  {
    name: 'bridge address without a prefix',
    yaml: 'hypervisor: { bridgeAddress: 10.123.0.1 }',
    problems: [['hypervisor.bridgeAddress', 'not an address with a prefix']],
  },
  {
    name: 'image dir empty',
    yaml: 'hypervisor: { imageDirs: [""] }',
    problems: [['hypervisor.imageDirs[0]', 'is empty']],
  },
  {
    name: 'runAs not a user name',
    yaml: 'hypervisor: { runAs: "qemu user" }',
    problems: [['hypervisor.runAs', 'not a user name']],
  },
  {
    name: 'vcpu ratio zero',
    yaml: 'hypervisor: { allocationRatio: { vcpu: 0 } }',
    problems: [['hypervisor.allocationRatio.vcpu', 'outside 0.1-64']],
  },
  {
    name: 'reserved memory negative',
    yaml: 'hypervisor: { reserved: { memoryMib: -1 } }',
    problems: [['hypervisor.reserved.memoryMib', 'outside 0-']],
  },
  {
    name: 'unknown accel',
    yaml: 'hypervisor: { accel: hvf }',
    problems: [['hypervisor.accel', 'not one of: auto, kvm, tcg']],
  },
  { name: 'the document must be a mapping', yaml: '- dhcp', problems: [['(top level)', 'must be a mapping of keys']] },

  // --- subnets
  {
    name: 'subnet with host bits set',
    yaml: lab().replace('10.0.0.0/24', '10.0.0.1/24'),
    problems: [['dhcp.subnets[0].subnet', 'host bits set; write the network address, e.g. 10.0.0.0/24']],
  },
  {
    name: 'subnet prefix too long',
    yaml: lab().replace('10.0.0.0/24', '10.0.0.0/31'),
    problems: [['dhcp.subnets[0].subnet', 'prefix /31 is outside /8-/30']],
  },
  {
    name: 'subnet prefix too short',
    yaml: lab().replace('10.0.0.0/24', '10.0.0.0/7'),
    problems: [['dhcp.subnets[0].subnet', 'prefix /7 is outside /8-/30']],
  },
  {
    name: 'subnet without a prefix',
    yaml: lab().replace('10.0.0.0/24', '10.0.0.0'),
    problems: [['dhcp.subnets[0].subnet', 'is not a subnet; write network/prefix']],
  },
  {
    name: 'subnet missing',
    yaml: 'dhcp:\n  interfaces: [br0]\n  subnets:\n    - pools: []',
    problems: [['dhcp.subnets[0].subnet', 'required']],
  },
  {
    name: 'overlapping subnets',
    yaml: lab() + '\n    - subnet: 10.0.0.0/16\n    - subnet: 10.1.0.0/16',
    problems: [['dhcp.subnets[1].subnet', '10.0.0.0/16 overlaps dhcp.subnets[0].subnet (10.0.0.0/24)']],
  },
  {
    name: 'bad domain name',
    yaml: lab('domainName: "lab..home"'),
    problems: [['dhcp.subnets[0].domainName', 'empty label']],
  },
  {
    name: 'domain label with an underscore',
    yaml: lab('domainName: my_lab.home'),
    problems: [['dhcp.subnets[0].domainName', 'label "my_lab"']],
  },

  // --- pools
  {
    name: 'pool that is not a range',
    yaml: lab('pools: ["10.0.0.10..10.0.0.20"]'),
    problems: [['dhcp.subnets[0].pools[0]', 'is not a pool; write a range such as']],
  },
  {
    name: 'pool backwards',
    yaml: lab('pools: ["10.0.0.20-10.0.0.10"]'),
    problems: [['dhcp.subnets[0].pools[0]', 'starts after it ends']],
  },
  {
    name: 'pool outside its subnet',
    yaml: lab('pools: ["10.0.1.10-10.0.1.20"]'),
    problems: [['dhcp.subnets[0].pools[0]', 'is not inside subnet 10.0.0.0/24 (hosts 10.0.0.1-10.0.0.254)']],
  },
  {
    name: 'pool holds the network address',
    yaml: lab('pools: ["10.0.0.0-10.0.0.20"]'),
    problems: [['dhcp.subnets[0].pools[0]', 'includes the network address 10.0.0.0']],
  },
  {
    name: 'a CIDR pool of the whole subnet holds both special addresses',
    yaml: lab('pools: [10.0.0.0/24]'),
    problems: [
      ['dhcp.subnets[0].pools[0]', 'includes the network address'],
      ['dhcp.subnets[0].pools[0]', 'includes the broadcast address 10.0.0.255'],
    ],
  },
  {
    name: 'overlapping pools in one subnet',
    yaml: lab('pools: ["10.0.0.100-10.0.0.199", "10.0.0.150-10.0.0.160", "10.0.0.10-10.0.0.100"]'),
    problems: [
      ['dhcp.subnets[0].pools[1]', 'overlaps dhcp.subnets[0].pools[0] (10.0.0.100-10.0.0.199)'],
      ['dhcp.subnets[0].pools[2]', 'overlaps dhcp.subnets[0].pools[0]'],
    ],
  },
  {
    name: 'overlapping pools across subnets',
    yaml: lab('pools: ["10.0.0.10-10.0.0.20"]') + '\n    - { subnet: 10.0.1.0/24, pools: ["10.0.0.15-10.0.0.30"] }',
    problems: [
      ['dhcp.subnets[1].pools[0]', 'is not inside subnet 10.0.1.0/24'],
      ['dhcp.subnets[1].pools[0]', 'overlaps dhcp.subnets[0].pools[0]'],
    ],
  },
  {
    name: 'a pool larger than a /8',
    yaml: 'dhcp:\n  interfaces: [br0]\n  subnets:\n    - { subnet: 10.0.0.0/8, pools: ["10.0.0.1-11.0.0.1"] }',
    problems: [
      ['dhcp.subnets[0].pools[0]', 'more than a /8'],
      ['dhcp.subnets[0].pools[0]', 'is not inside subnet 10.0.0.0/8'],
    ],
  },

  // --- routers and servers
  {
    name: 'router is the network address',
    yaml: lab('routers: [10.0.0.0]'),
    problems: [['dhcp.subnets[0].routers[0]', 'is the network address of 10.0.0.0/24']],
  },
  {
    name: 'router is the broadcast address',
    yaml: lab('routers: [10.0.0.255]'),
    problems: [['dhcp.subnets[0].routers[0]', 'is the broadcast address']],
  },
  {
    name: 'router off the subnet',
    yaml: lab('routers: [10.0.1.1]'),
    problems: [['dhcp.subnets[0].routers[0]', 'outside subnet 10.0.0.0/24']],
  },
  {
    name: 'DNS server on another network is fine, the broadcast is not',
    yaml: lab('dnsServers: [1.1.1.1, 10.0.0.255]'),
    problems: [['dhcp.subnets[0].dnsServers[1]', 'is the broadcast address']],
  },
  {
    name: 'NTP server at the network address',
    yaml: lab('ntpServers: [10.0.0.0]'),
    problems: [['dhcp.subnets[0].ntpServers[0]', 'network address']],
  },
  {
    name: 'address that is not IPv4',
    yaml: lab('routers: [10.0.0.256]'),
    problems: [['dhcp.subnets[0].routers[0]', 'is not an IPv4 address']],
  },

  // --- reservations
  {
    name: 'reservation without mac or clientId',
    yaml: lab('reservations:\n  - { ip: 10.0.0.5 }'),
    problems: [['dhcp.subnets[0].reservations[0]', 'neither mac nor clientId']],
  },
  {
    name: 'reservation with both mac and clientId',
    yaml: lab('reservations:\n  - { mac: "52:54:00:00:00:01", clientId: "0152540000000001", ip: 10.0.0.5 }'),
    problems: [['dhcp.subnets[0].reservations[0]', 'both mac and clientId; give exactly one']],
  },
  {
    name: 'reservation without ip',
    yaml: lab('reservations:\n  - { mac: "52:54:00:00:00:01" }'),
    problems: [['dhcp.subnets[0].reservations[0].ip', 'required']],
  },
  {
    name: 'bad MAC',
    yaml: lab('reservations:\n  - { mac: "52:54:00:00:01", ip: 10.0.0.5 }'),
    problems: [['dhcp.subnets[0].reservations[0].mac', 'not a MAC address']],
  },
  {
    name: 'MAC with mixed separators',
    yaml: lab('reservations:\n  - { mac: "52:54-00:00:00:01", ip: 10.0.0.5 }'),
    problems: [['dhcp.subnets[0].reservations[0].mac', 'not a MAC address']],
  },
  {
    name: 'client id with an odd digit',
    yaml: lab('reservations:\n  - { clientId: "01525", ip: 10.0.0.5 }'),
    problems: [['dhcp.subnets[0].reservations[0].clientId', 'not a client identifier']],
  },
  {
    name: 'client id of one octet',
    yaml: lab('reservations:\n  - { clientId: "ff", ip: 10.0.0.5 }'),
    problems: [['dhcp.subnets[0].reservations[0].clientId', 'at least 2 octets']],
  },
  {
    name: 'client id that YAML read as a number',
    yaml: lab('reservations:\n  - { clientId: 0152540000, ip: 10.0.0.5 }'),
    problems: [['dhcp.subnets[0].reservations[0].clientId', 'write it in quotes']],
  },
  {
    name: 'hostname with a leading hyphen',
    yaml: lab('reservations:\n  - { mac: "52:54:00:00:00:01", ip: 10.0.0.5, hostname: -nas }'),
    problems: [['dhcp.subnets[0].reservations[0].hostname', 'not a valid host name']],
  },
  {
    name: 'reservation outside its subnet',
    yaml: lab('reservations:\n  - { mac: "52:54:00:00:00:01", ip: 10.0.1.5 }'),
    problems: [['dhcp.subnets[0].reservations[0].ip', '10.0.1.5 is outside subnet 10.0.0.0/24']],
  },
  {
    name: 'reservation of the broadcast address',
    yaml: lab('reservations:\n  - { mac: "52:54:00:00:00:01", ip: 10.0.0.255 }'),
    problems: [['dhcp.subnets[0].reservations[0].ip', 'is the broadcast address']],
  },
  {
    name: 'same MAC twice in one subnet, written differently',
    yaml: lab(
      'reservations:\n  - { mac: "52:54:00:00:00:01", ip: 10.0.0.5 }\n  - { mac: "52-54-00-00-00-01", ip: 10.0.0.6 }',
    ),
    problems: [
      [
        'dhcp.subnets[0].reservations[1].mac',
        '52:54:00:00:00:01 is already reserved at dhcp.subnets[0].reservations[0]',
      ],
    ],
  },
  {
    name: 'same client id in two subnets',
    yaml:
      lab('reservations:\n  - { clientId: "01:52:54:00:00:00:01", ip: 10.0.0.5 }') +
      '\n    - subnet: 10.0.1.0/24\n      reservations:\n        - { clientId: "01525400000001", ip: 10.0.1.5 }',
    problems: [['dhcp.subnets[1].reservations[0].clientId', 'already reserved at dhcp.subnets[0].reservations[0]']],
  },
  {
    name: 'same address reserved twice',
    yaml: lab(
      'reservations:\n  - { mac: "52:54:00:00:00:01", ip: 10.0.0.5 }\n  - { mac: "52:54:00:00:00:02", ip: 10.0.0.5 }',
    ),
    problems: [['dhcp.subnets[0].reservations[1].ip', 'each address may have one reservation only']],
  },

  // --- YAML itself, and many problems at once
  {
    name: 'YAML syntax error names line and column',
    yaml: 'dhcp:\n  interfaces: [br0\nhypervisor: {}',
    problems: [['config:3:1', 'YAML syntax error']],
  },
  {
    name: 'an alias bomb is refused, not expanded',
    yaml: [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    ].join('\n'),
    problems: [['config', 'YAML could not be expanded']],
  },
  {
    name: 'duplicate YAML key',
    yaml: 'dataDir: a\ndataDir: b',
    problems: [['config:2:1', 'keep only one of the repeated keys']],
  },
  {
    name: 'every problem is reported at once, syntax and cross-field alike',
    yaml: [
      'dataDir: 5',
      'dhcp:',
      '  interfaces: [br0]',
      '  leaseTime: soon',
      '  subnets:',
      '    - subnet: 10.0.0.0/24',
      '      pool: ["10.0.0.10-10.0.0.20"]',
      '      pools: ["10.0.0.0-10.0.0.9", bogus]',
      '      reservations:',
      '        - { mac: "52:54:00:00:00:01", ip: 10.0.0.5 }',
      '        - { mac: "52:54:00:00:00:01", ip: 10.0.9.9 }',
      '        - { mac: zz, ip: 10.0.0.7 }',
      '    - subnet: 10.0.0.0/25',
      'hypervisor: { accel: fast }',
    ].join('\n'),
    problems: [
      ['dataDir', 'got the number 5'],
      ['dhcp.leaseTime', '"soon" is not a duration'],
      ['dhcp.subnets[0].pool', 'did you mean "pools"?'],
      ['dhcp.subnets[0].pools[0]', 'includes the network address'],
      ['dhcp.subnets[0].pools[1]', 'is not a pool'],
      ['dhcp.subnets[0].reservations[1].ip', 'outside subnet'],
      ['dhcp.subnets[0].reservations[1].mac', 'already reserved'],
      ['dhcp.subnets[0].reservations[2].mac', 'not a MAC address'],
      ['dhcp.subnets[1].subnet', 'overlaps dhcp.subnets[0].subnet'],
      ['hypervisor.accel', 'not one of'],
    ],
  },

  // --- DHCP options, client classes, network boot (issue 10)
  {
    name: 'the issue example: global, class, subnet and reservation options, boot settings',
    yaml: `
dhcp:
  interfaces: [br0]
  options:
    - { name: domain-name-servers, data: "10.96.0.53" }
  classes:
    - name: pxe-bios
      match: { vendorClass: "PXEClient:Arch:00000*" }
      bootFile: undionly.kpxe
    - name: ipxe
      match: { userClass: iPXE }
      bootFile: "http://10.96.0.5/boot.ipxe"
    - name: pi
      match: { mac: "B8-27-EB-*", clientArch: 11, hostname: "pi-*" }
      options: [{ name: ntp-servers, data: "10.96.0.1" }]
  subnets:
    - subnet: 10.96.0.0/12
      nextServer: 10.96.0.5
      bootFile: pxelinux.0
      serverHostname: boot.lab.test
      options:
        - { name: domain-search, data: "lab.test, home.arpa" }
        - { name: classless-static-route, data: "10.200.0.0/16 - 10.96.0.254" }
        - { name: interface-mtu, data: "9000" }
        - { code: 252, type: string, data: "http://wpad.lab.test/wpad.dat", always: true }
      reservations:
        - { mac: "02:00:00:00:00:42", ip: 10.96.0.42, hostname: nas, bootFile: nas.efi,
            options: [ { name: domain-name-servers, data: "10.96.0.99" } ] }`,
    values: {
      'dhcp.options[0].code': 6,
      'dhcp.options[0].data': '10.96.0.53',
      'dhcp.classes[0].name': 'pxe-bios',
      'dhcp.classes[0].match': {
        vendorClass: 'PXEClient:Arch:00000*',
        userClass: null,
        clientArch: null,
        mac: null,
        hostname: null,
      },
      'dhcp.classes[0].bootFile': 'undionly.kpxe',
      'dhcp.classes[0].nextServer': null,
      'dhcp.classes[0].options': [],
      'dhcp.classes[1].match.userClass': 'iPXE',
      'dhcp.classes[1].bootFile': 'http://10.96.0.5/boot.ipxe',
      'dhcp.classes[2].match': {
        vendorClass: null,
        userClass: null,
        clientArch: 11,
        mac: 'b8:27:eb:*',
        hostname: 'pi-*',
      },
      'dhcp.classes[2].options[0].code': 42,
      'dhcp.subnets[0].nextServer': ip('10.96.0.5'),
      'dhcp.subnets[0].bootFile': 'pxelinux.0',
      'dhcp.subnets[0].serverHostname': 'boot.lab.test',
      'dhcp.subnets[0].options[0].name': 'interface-mtu',
      'dhcp.subnets[0].options[1].data': 'lab.test, home.arpa',
      'dhcp.subnets[0].options[2].data': '10.200.0.0/16 - 10.96.0.254',
      'dhcp.subnets[0].options[3].code': 252,
      'dhcp.subnets[0].options[3].always': true,
      'dhcp.subnets[0].reservations[0].options[0].data': '10.96.0.99',
      'dhcp.subnets[0].reservations[0].bootFile': 'nas.efi',
      'dhcp.subnets[0].reservations[0].nextServer': null,
    },
  },
  {
    name: 'options, classes and boot settings default to empty',
    yaml: lab(),
    values: {
      'dhcp.options': [],
      'dhcp.classes': [],
      'dhcp.subnets[0].options': [],
      'dhcp.subnets[0].nextServer': null,
      'dhcp.subnets[0].bootFile': null,
      'dhcp.subnets[0].serverHostname': null,
    },
  },
  {
    name: 'option problems are placed at the entry and its key, at every scope',
    yaml: lab(
      [
        'options:',
        '  - { name: interface-mtu, data: "jumbo" }',
        'reservations:',
        '  - { mac: "02:00:00:00:00:01", ip: 10.0.0.9, options: [{ name: dns-server, data: "10.0.0.1" }] }',
      ].join('\n'),
      [
        'options:',
        '  - { code: 252, data: "http://x" }',
        'classes:',
        '  - { name: a, match: { userClass: iPXE }, options: [{ name: routers, dat: "10.0.0.1" }] }',
      ].join('\n'),
    ),
    problems: [
      ['dhcp.options[0].type', 'its type is needed'],
      ['dhcp.classes[0].options[0].dat', 'did you mean "data"'],
      ['dhcp.classes[0].options[0]', 'has no data'],
      ['dhcp.subnets[0].options[0].data', 'is not a whole number'],
      ['dhcp.subnets[0].reservations[0].options[0].name', 'did you mean "domain-name-servers"'],
    ],
  },
  {
    name: 'a shorthand and an option for the same code in one subnet',
    yaml: lab(['routers: [10.0.0.1]', 'options: [{ name: routers, data: "10.0.0.2" }]'].join('\n')),
    problems: [['dhcp.subnets[0].options[0]', 'routers already sets option 3 (routers)']],
  },
  {
    name: 'a routers option follows the routers rule: a host address on the subnet',
    yaml: lab('options: [{ name: routers, data: "10.0.0.1, 10.9.0.1, 10.0.0.255" }]'),
    problems: [
      ['dhcp.subnets[0].options[0].data', 'router 10.9.0.1 is not a host address of subnet 10.0.0.0/24'],
      ['dhcp.subnets[0].options[0].data', 'router 10.0.0.255 is not a host address'],
    ],
  },
  {
    name: 'a shorthand conflict is reported beside the other problems of the subnet',
    yaml: lab(
      [
        'dnsServers: [10.0.0.1]',
        'options:',
        '  - { code: 6, data: "10.0.0.2" }',
        '  - { name: interface-mtu, data: "jumbo" }',
      ].join('\n'),
    ),
    problems: [
      ['dhcp.subnets[0].options[0]', 'dnsServers already sets option 6 (domain-name-servers)'],
      ['dhcp.subnets[0].options[1].data', 'is not a whole number'],
    ],
  },
  {
    name: 'class problems: empty match, unknown match key, bad MAC pattern, duplicate name, bad boot values',
    yaml: lab(
      'bootFile: "has space"\nnextServer: 10.0.0\nserverHostname: ""',
      [
        'classes:',
        '  - { name: a, match: {} }',
        '  - { name: b, match: { vendorclass: "PXE*" } }',
        '  - { name: c, match: { mac: "zz:*" } }',
        '  - { name: a, match: { clientArch: 70000 } }',
        '  - { name: "bad name", match: { hostname: "x" }, bootFile: "' + 'x'.repeat(256) + '" }',
      ].join('\n'),
    ),
    problems: [
      ['dhcp.classes[0].match', 'give at least one of vendorClass'],
      ['dhcp.classes[1].match.vendorclass', 'did you mean "vendorClass"'],
      ['dhcp.classes[2].match.mac', 'not a MAC pattern'],
      ['dhcp.classes[3].match.clientArch', 'outside 0-65535'],
      ['dhcp.classes[4].name', 'not a class name'],
      ['dhcp.classes[4].bootFile', 'at most 255'],
      ['dhcp.subnets[0].bootFile', 'printable ASCII'],
      ['dhcp.subnets[0].nextServer', 'not an IPv4 address'],
      ['dhcp.subnets[0].serverHostname', 'is empty'],
    ],
  },
  {
    name: 'two classes with one name',
    yaml: lab('', 'classes:\n  - { name: a, match: { userClass: x } }\n  - { name: a, match: { userClass: y } }'),
    problems: [['dhcp.classes[1].name', 'already the name of dhcp.classes[0]']],
  },
];

describe('parseConfig', () => {
  for (const testCase of cases) {
    test(testCase.name, () => {
      assert.ok(
        (testCase.problems === undefined) !== (testCase.values === undefined),
        'a case expects problems or values',
      );
      const outcome = attempt(testCase.yaml);
      if (testCase.problems !== undefined) {
        assert.ok(outcome instanceof ConfigError, `expected problems, got a config: ${JSON.stringify(outcome)}`);
        assertProblems(outcome, testCase.problems);
        return;
      }
      assert.ok(
        !(outcome instanceof ConfigError),
        `unexpected problems:\n${outcome instanceof ConfigError ? outcome.message : ''}`,
      );
      for (const [path, expected] of Object.entries(testCase.values ?? {})) {
        assert.deepEqual(valueAt(outcome, path), expected, path);
      }
    });
  }
});

function attempt(yaml: string): Config | ConfigError {
  try {
    return parseConfig(yaml, { source: null, baseDir: BASE_DIR });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

/** The problems match the expected ones one for one (same path, reason containing the part). */
function assertProblems(error: ConfigError, expected: [string, string][]): void {
  const remaining = [...error.problems];
  for (const [path, part] of expected) {
    const index = remaining.findIndex((problem) => problem.path === path && problem.reason.includes(part));
    assert.ok(index >= 0, `no problem "${path}: ...${part}..." in:\n${error.message}`);
    remaining.splice(index, 1);
  }
  assert.deepEqual(remaining, [], `unexpected extra problems:\n${formatProblems(remaining)}`);
}

/** Follows "dhcp.subnets[0].pools[1]" through the resolved Config. */
function valueAt(config: Config, path: string): unknown {
  let current: unknown = config;
  for (const segment of path.match(/[^.[\]]+/g) ?? []) {
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

describe('loadConfigFile', () => {
  test('resolves paths against the folder of the file and records its source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'homeplane-config-'));
    try {
      await mkdir(join(dir, 'etc'));
      const file = join(dir, 'etc', 'homeplane.yaml');
      await writeFile(file, 'dataDir: ../var/data\ngrpc: { listen: "unix:grpc.sock" }\n' + lab());
      const config = await loadConfigFile(file);
      assert.equal(config.source, file);
      assert.equal(config.dataDir, join(dir, 'var', 'data'));
      assert.equal(config.grpc.listen, `unix:${join(dir, 'etc', 'grpc.sock')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a YAML syntax error names the file, line and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'homeplane-config-'));
    try {
      const file = join(dir, 'homeplane.yaml');
      await writeFile(file, 'dhcp:\n  interfaces: [br0\nhypervisor: {}\n');
      await assert.rejects(loadConfigFile(file), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          error.problems.map((problem) => problem.path),
          [`${file}:3:1`],
        );
        assert.match(error.message, /YAML syntax error: .*; fix the YAML there/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing file is one clear problem', async () => {
    const file = join(tmpdir(), 'homeplane-no-such-dir', 'homeplane.yaml');
    await assert.rejects(loadConfigFile(file), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(
        error.problems.map((problem) => problem.path),
        [file],
      );
      assert.match(error.message, /no such file; check the path given to --config/);
      return true;
    });
  });

  test('a folder is not a config file', async () => {
    await assert.rejects(loadConfigFile(tmpdir()), /is a folder; name the YAML file itself/);
  });

  test('homeplane.example.yaml at the repository root loads', async () => {
    const example = new URL('../../homeplane.example.yaml', import.meta.url).pathname;
    const config = await loadConfigFile(example);
    assert.equal(config.dhcp.enabled, true);
    assert.ok(config.dhcp.subnets.length > 0);
    assert.ok(config.dhcp.subnets.some((subnet) => subnet.reservations.length > 0));
  });
});

describe('defaultConfig', () => {
  test('serves only the homeplane0 lab bridge', () => {
    const config = defaultConfig('/opt/homeplane');
    assert.equal(config.source, null);
    assert.equal(config.dataDir, '/opt/homeplane/data');
    assert.equal(config.grpc.listen, '127.0.0.1:50051');
    assert.deepEqual(config.dhcp.interfaces, ['homeplane0']);
    assert.equal(config.dhcp.subnets.length, 1);
    const [subnet] = config.dhcp.subnets;
    assert.deepEqual(subnet?.cidr, { network: ip('10.123.0.0'), prefix: 24 });
    assert.deepEqual(subnet?.pools, [{ start: ip('10.123.0.100'), end: ip('10.123.0.199') }]);
    assert.deepEqual(subnet?.routers, [ip('10.123.0.1')]);
    assert.deepEqual(subnet?.dnsServers, [ip('10.123.0.1')]);
    assert.equal(subnet?.domainName, 'lab.home');
    assert.deepEqual(config.hypervisor, {
      bridge: 'homeplane0',
      bridgeAddress: '10.123.0.1/24',
      accel: 'auto',
      imageDirs: ['/opt/homeplane/data/images'],
      runAs: 'nobody',
      allocationRatio: { vcpu: 4, memory: 1, disk: 1 },
      reserved: { vcpus: 0, memoryMib: 1024, diskGib: 0 },
    });
  });
});
