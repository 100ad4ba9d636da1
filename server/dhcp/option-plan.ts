// What a client gets besides its address: options and boot settings merged from the scopes in
// precedence order, reservation > class > subnet > global (for options and for nextServer,
// bootFile, serverHostname alike). Everything is compiled when the config loads or a reservation
// changes: a reply only walks a ready list and copies values in, parsing nothing.
import type { BootSettings, ClientClassConfig, ReservationConfig, SubnetConfig } from '../config/types.ts';
import { optionSpec } from './codec/options.ts';
import type { DhcpOptions } from './codec/types.ts';
import { broadcastOf, formatIPv4 } from './codec/ipv4.ts';
import { compileOptionEntries, type CompiledOption } from './options/index.ts';

export type OptionScopeName = 'reservation' | 'class' | 'subnet' | 'global';

/** One option ready to go on a reply. */
export interface PlannedOption {
  readonly option: CompiledOption;
  /** Puts the value on a reply's options (typed field or raw bytes); the value is shared, never changed. */
  readonly apply: (options: DhcpOptions) => void;
  /** The scope it came from. */
  readonly scope: OptionScopeName;
}

/** The merged result for one combination of scopes. */
export interface EffectiveOptions extends BootSettings {
  /** Ascending by code, each code once (the most specific scope's). */
  readonly options: readonly PlannedOption[];
}

/** The scopes above a subnet: global options and the client classes (config order). */
export interface OptionScopes {
  options: readonly CompiledOption[];
  classes: readonly ClientClassConfig[];
}

export const NO_SCOPES: OptionScopes = { options: [], classes: [] };

interface Layer extends BootSettings {
  scope: OptionScopeName;
  options: readonly CompiledOption[];
}

const NO_BOOT: BootSettings = { nextServer: null, bootFile: null, serverHostname: null };

export class OptionPlan {
  private readonly subnetLayer: Layer;
  private readonly globalLayer: Layer;
  private readonly classLayers: readonly Layer[];
  /** By class mask (bit i: the client is in class i), without a reservation. */
  private readonly byMask = new Map<number, EffectiveOptions>();
  /** Per reservation, by class mask; a changed reservation is a new object, so nothing goes stale. */
  private readonly byReservation = new WeakMap<ReservationConfig, Map<number, EffectiveOptions>>();

  constructor(subnet: SubnetConfig, scopes: OptionScopes = NO_SCOPES) {
    this.subnetLayer = { ...bootOf(subnet), scope: 'subnet', options: subnetOptions(subnet) };
    this.globalLayer = { ...NO_BOOT, scope: 'global', options: scopes.options };
    this.classLayers = scopes.classes.map((entry) => ({ ...bootOf(entry), scope: 'class', options: entry.options }));
    this.byMask.set(0, merge([this.subnetLayer, this.globalLayer]));
  }

  /** The options of a client in the classes of `mask` with `reservation` (if any). */
  resolve(mask: number, reservation: ReservationConfig | undefined): EffectiveOptions {
    if (reservation !== undefined && hasOwnSettings(reservation)) {
      let cached = this.byReservation.get(reservation);
      if (cached === undefined) this.byReservation.set(reservation, (cached = new Map()));
      return cachedMerge(cached, mask, () => this.layers(mask, reservation));
    }
    return cachedMerge(this.byMask, mask, () => this.layers(mask, undefined));
  }

  /** Compiles a reservation's merge ahead of its first client (called when it is added). */
  prepare(reservation: ReservationConfig): void {
    this.resolve(0, reservation);
  }

  private layers(mask: number, reservation: ReservationConfig | undefined): Layer[] {
    const layers: Layer[] = [];
    if (reservation !== undefined) {
      layers.push({ ...bootOf(reservation), scope: 'reservation', options: reservation.options });
    }
    // Classes apply in config order, so a later class overrides an earlier one: the most
    // specific class goes last (ipxe after pxe-bios, as iPXE also sends PXEClient:...).
    for (let index = this.classLayers.length - 1; index >= 0; index--) {
      if ((mask & (1 << index)) !== 0) layers.push(this.classLayers[index]!);
    }
    layers.push(this.subnetLayer, this.globalLayer);
    return layers;
  }
}

/**
 * Class combinations a cache keeps. Clients choose what they send, so with many classes they
 * could make many masks; past this a merge is made per request and not kept.
 */
const MAX_CACHED_MASKS = 1024;

function cachedMerge(cache: Map<number, EffectiveOptions>, mask: number, layers: () => Layer[]): EffectiveOptions {
  const found = cache.get(mask);
  if (found !== undefined) return found;
  const merged = merge(layers());
  if (cache.size < MAX_CACHED_MASKS) cache.set(mask, merged);
  return merged;
}

function bootOf(scope: BootSettings): BootSettings {
  return { nextServer: scope.nextServer, bootFile: scope.bootFile, serverHostname: scope.serverHostname };
}

function hasOwnSettings(reservation: ReservationConfig): boolean {
  return (
    reservation.options.length > 0 ||
    reservation.nextServer !== null ||
    reservation.bootFile !== null ||
    reservation.serverHostname !== null
  );
}

/** Most specific layer first: the first to set a code or a boot field wins. */
function merge(layers: readonly Layer[]): EffectiveOptions {
  const byCode = new Map<number, PlannedOption>();
  const boot: { -readonly [K in keyof BootSettings]: BootSettings[K] } = { ...NO_BOOT };
  for (const layer of layers) {
    for (const option of layer.options) {
      if (!byCode.has(option.code)) byCode.set(option.code, { ...planned(option), scope: layer.scope });
    }
    boot.nextServer ??= layer.nextServer;
    boot.bootFile ??= layer.bootFile;
    boot.serverHostname ??= layer.serverHostname;
  }
  const options = [...byCode.values()].sort((a, b) => a.option.code - b.option.code);
  return { ...boot, options };
}

type Applied = Omit<PlannedOption, 'scope'>;

const plannedCache = new WeakMap<CompiledOption, Applied>();

/**
 * How an option goes on a reply: codes the codec types (routers, DNS servers, MTU, ...) as their
 * typed value, decoded once here from the compiled bytes; every other code as its bytes.
 */
function planned(option: CompiledOption): Applied {
  const known = plannedCache.get(option);
  if (known !== undefined) return known;
  const spec = optionSpec(option.code);
  let apply: (options: DhcpOptions) => void;
  if (spec === undefined) {
    const { code, bytes } = option;
    apply = (options) => options.other.set(code, bytes);
  } else {
    const value: unknown = spec.codec.decode(option.bytes, spec, 0);
    const key = spec.key;
    apply = (options) => {
      (options as unknown as Record<string, unknown>)[key] = value;
    };
  }
  const result = { option, apply };
  plannedCache.set(option, result);
  return result;
}

/**
 * The subnet's own layer: its options list, the shorthand keys as the options they stand for
 * (the schema refuses a code set both ways), and option 28 from the prefix unless set.
 */
function subnetOptions(subnet: SubnetConfig): CompiledOption[] {
  const entries: { name: string; data: string }[] = [];
  const addresses = (list: readonly number[]) => list.map(formatIPv4).join(', ');
  const has = (code: number) => subnet.options.some((option) => option.code === code);
  if (subnet.routers.length > 0 && !has(3)) entries.push({ name: 'routers', data: addresses(subnet.routers) });
  if (subnet.dnsServers.length > 0 && !has(6))
    entries.push({ name: 'domain-name-servers', data: addresses(subnet.dnsServers) });
  if (subnet.domainName !== null && !has(15)) entries.push({ name: 'domain-name', data: subnet.domainName });
  if (subnet.ntpServers.length > 0 && !has(42))
    entries.push({ name: 'ntp-servers', data: addresses(subnet.ntpServers) });
  if (!has(28)) entries.push({ name: 'broadcast-address', data: formatIPv4(broadcastOf(subnet.cidr)) });
  const derived = compileOptionEntries(entries, `subnet ${subnet.id}`);
  // Every value here was checked when the config loaded; a failure is a bug, not a config fault.
  if (!derived.ok) throw new Error(`subnet ${subnet.id}: shorthand options: ${JSON.stringify(derived.errors)}`);
  return [...subnet.options, ...derived.options].sort((a, b) => a.code - b.code);
}
