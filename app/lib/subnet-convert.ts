// homeplane.v1.Subnet / ClientClass -> their views, server side. Counts arrive as uint64 (numbers
// in ts-proto's output, well within 2^53 for IPv4).
import { OptionScope, type ClientClass, type DhcpOption } from '../../proto/gen/homeplane/v1/dhcp_option.ts';
import type { Subnet } from '../../proto/gen/homeplane/v1/subnet.ts';
import { parseIPv4 } from './reservation-form.ts';
import {
  architectureWords,
  type BootView,
  type ClientClassView,
  type EffectiveOptionView,
  type OptionScopeName,
  type SubnetView,
} from './subnet-view.ts';

function scopeName(scope: OptionScope): OptionScopeName {
  switch (scope) {
    case OptionScope.OPTION_SCOPE_GLOBAL:
      return 'global';
    case OptionScope.OPTION_SCOPE_SUBNET:
      return 'subnet';
    case OptionScope.OPTION_SCOPE_CLASS:
      return 'class';
    case OptionScope.OPTION_SCOPE_RESERVATION:
      return 'reservation';
    default:
      return 'unknown';
  }
}

function toOptionView(option: DhcpOption, scope?: OptionScopeName): EffectiveOptionView {
  return {
    name: option.name,
    code: option.code,
    type: option.type,
    data: option.data,
    always: option.always,
    scope: scope ?? scopeName(option.scope),
  };
}

function bootOf(from: { nextServer: string; bootFile: string; serverHostname: string }): BootView {
  return { nextServer: from.nextServer, bootFile: from.bootFile, serverHostname: from.serverHostname };
}

export function toSubnetView(subnet: Subnet): SubnetView {
  return {
    subnet: subnet.subnet,
    pools: subnet.pools.map((pool) => {
      const start = parseIPv4(pool.start);
      const end = parseIPv4(pool.end);
      return {
        start: pool.start,
        end: pool.end,
        size: start !== null && end !== null && end >= start ? end - start + 1 : 0,
      };
    }),
    routers: subnet.routers,
    dnsServers: subnet.dnsServers,
    domainName: subnet.domainName,
    leaseSeconds: subnet.leaseSeconds,
    poolSize: subnet.poolSize,
    inUse: subnet.addressesInUse,
    declined: subnet.declined,
    free: subnet.free,
    reservations: subnet.reservations,
    options: subnet.options.map((option) => toOptionView(option)),
    boot: bootOf(subnet),
  };
}

export function toClientClassView(cls: ClientClass): ClientClassView {
  const match: string[] = [];
  if (cls.vendorClass !== '') match.push(`vendor class ${cls.vendorClass}`);
  if (cls.userClass !== '') match.push(`user class ${cls.userClass}`);
  if (cls.clientArch !== undefined) match.push(architectureWords(cls.clientArch));
  if (cls.mac !== '') match.push(`MAC ${cls.mac}`);
  if (cls.hostname !== '') match.push(`host name ${cls.hostname}`);
  return {
    name: cls.name,
    match,
    options: cls.options.map((option) => toOptionView(option, 'class')),
    boot: bootOf(cls),
  };
}
