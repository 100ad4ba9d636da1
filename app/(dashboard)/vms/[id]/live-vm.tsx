'use client';
// One VM, live: the VM itself (kinds "vm"), its lease and reservation (kinds "lease",
// "reservation", kept when they are its MAC's), its timeline (its own vm events prepended), its
// usage from the "vm-stats" feed, and its serial console.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { HypervisorNotice } from '../../../components/hypervisor-notice.tsx';
import { LiveIndicator } from '../../../components/live-indicator.tsx';
import { Sparkline } from '../../../components/sparkline.tsx';
import { StateBadge } from '../../../components/state-badge.tsx';
import { VmStateBadge } from '../../../components/vm-state-badge.tsx';
import { toEventEntry, type EventEntry } from '../../../lib/event-view.ts';
import { hypervisorProblem } from '../../../lib/host-view.ts';
import { ObjectCache } from '../../../lib/live/object-cache.ts';
import type { LeaseRow, StreamMessage } from '../../../lib/live/types.ts';
import { useNow } from '../../../lib/live/use-now.ts';
import { useWatchStream } from '../../../lib/live/use-watch-stream.ts';
import { formatCpu } from '../../../lib/live/vm-stats-history.ts';
import { formatRelative, formatTimestamp } from '../../../lib/relative-time.ts';
import { asReservationView, type ReservationView } from '../../../lib/reservation-view.ts';
import { leaseOfMac } from '../../../lib/vm-actions.ts';
import type { VmAction } from '../../../lib/vm-lifecycle.ts';
import {
  formatBytes,
  formatDuration,
  formatMib,
  hasQemu,
  uptimeSeconds,
  VM_TIMELINE_EVENTS,
  VM_TYPE,
  vmViewFromJson,
  type VmBoot,
  type VmView,
} from '../../../lib/vm-view.ts';
import { useVmStats } from '../use-vm-stats.ts';
import { VmActionButtons, VmActionDialog } from '../vm-action-dialog.tsx';
import { VmConsole } from '../../../components/vm-console.tsx';
import type { VmDetail } from './load-vm.ts';

const KINDS = ['vm', 'lease', 'reservation'];
const MUTED = 'text-zinc-500 dark:text-zinc-400';
const NONE = <span className="text-zinc-400 dark:text-zinc-600">—</span>;
const LINK = 'text-sky-700 hover:underline dark:text-sky-400';

type Dialog = { kind: 'none' } | { kind: 'action'; action: VmAction; vm: VmView; opening: number };

export function LiveVm({ detail, renderedAt }: { detail: VmDetail; renderedAt: number }) {
  const router = useRouter();
  const [cache] = useState(() => new ObjectCache(VM_TYPE, [detail.vm], detail.revision));
  const [vm, setVm] = useState<VmView | undefined>(detail.vm);
  const [lease, setLease] = useState<LeaseRow | null>(detail.lease);
  const [reservation, setReservation] = useState<ReservationView | null>(detail.reservation);
  const [timeline, setTimeline] = useState<EventEntry[]>(detail.timeline);
  const id = detail.vm.id;
  const mac = detail.vm.mac;

  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (message.type === 'event') {
        const { event } = message;
        if (event.lease && event.lease.hwAddress.toLowerCase() === mac) {
          setLease(event.kind === 'lease.deleted' ? null : event.lease);
        }
        const reserved = asReservationView(event.reservation);
        if (reserved && reserved.mac === mac) setReservation(event.kind === 'reservation.deleted' ? null : reserved);
        if (event.revision > cache.revision && vmViewFromJson(event.vm)?.id === id)
          setTimeline((before) => [toEventEntry(event), ...before].slice(0, VM_TIMELINE_EVENTS));
      }
      if (cache.apply(message)) setVm(cache.get(id)?.row);
    },
    [cache, id, mac],
  );
  const status = useWatchStream({ since: detail.revision, kinds: KINDS, onMessage });
  // A new address is a new lease: read it, in case its own event is not among those followed.
  const address = vm?.address ?? '';
  useEffect(() => {
    if (address === '') return;
    let live = true;
    void leaseOfMac(mac).then((found) => {
      if (live && found !== null) setLease(found);
    });
    return () => {
      live = false;
    };
  }, [address, mac]);
  const now = useNow(renderedAt, 1_000);
  const current = vm ?? detail.vm;
  const running = vm !== undefined && hasQemu(vm.state);
  const stats = useVmStats(running);
  const usage = stats.get(id);
  const problem = hypervisorProblem(detail.hosts);
  const host = detail.hosts.find((h) => h.id === current.hostId);
  const [dialog, setDialog] = useState<Dialog>({ kind: 'none' });
  const [openings, setOpenings] = useState(0);
  const close = useCallback(() => setDialog({ kind: 'none' }), []);
  const onSettled = useCallback(
    (action: VmAction) => {
      if (action === 'delete') router.push('/vms');
    },
    [router],
  );
  // The console shows once the VM has run while the page is open (its last output stays after a stop).
  const [consoleShown, setConsoleShown] = useState(running);
  if (running && !consoleShown) setConsoleShown(true);
  const uptime = uptimeSeconds(current, now);
  const memoryTop = useMemo(() => current.memoryMib * 1024 * 1024, [current.memoryMib]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/vms" className={LINK}>
          VMs
        </Link>
        <span className={`mx-1.5 ${MUTED}`}>/</span>
        <span className="text-zinc-700 dark:text-zinc-300">{current.name}</span>
      </nav>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">
            <span className="break-all">{current.name}</span>
            <VmStateBadge state={current.state} reason={current.stateReason} />
          </h1>
          <p className={`mt-1 text-sm ${MUTED}`} data-testid="vm-state-reason">
            {vm === undefined ? 'This VM was deleted.' : current.stateReason || ' '}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <LiveIndicator status={status} revision={cache.revision} />
        </div>
      </div>

      {problem !== null ? (
        <div className="mb-4">
          <HypervisorNotice reason={problem} />
        </div>
      ) : null}

      {vm === undefined ? (
        <p className="mb-4 rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          {current.name} was deleted, with its disk and its DHCP reservation.{' '}
          <Link href="/vms" className={LINK}>
            Back to the VMs
          </Link>
        </p>
      ) : (
        <div className="mb-6">
          <VmActionButtons
            vm={vm}
            disabled={problem}
            onAction={(action) => {
              setOpenings((n) => n + 1);
              setDialog({ kind: 'action', action, vm, opening: openings + 1 });
            }}
          />
        </div>
      )}

      <div className="grid gap-4 lg:grid-cols-3">
        <Panel title="Facts" className="lg:col-span-2">
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm">
            <Fact label="Address" testId="vm-detail-address">
              {current.address === '' ? NONE : <span className="font-mono">{current.address}</span>}
            </Fact>
            <Fact label="MAC">
              <span className="font-mono">{current.mac}</span>
            </Fact>
            <Fact label="vCPUs">{current.vcpus}</Fact>
            <Fact label="Memory">{formatMib(current.memoryMib)}</Fact>
            <Fact label="Disk">{current.diskGib} GiB</Fact>
            <Fact label="Uptime">{uptime === null ? NONE : formatDuration(uptime)}</Fact>
            <Fact label="Boot" wide>
              <BootFacts boot={current.boot} />
            </Fact>
            <Fact label="Host">
              {host ? (
                <Link href="/hosts" className={LINK}>
                  {host.hostname}
                </Link>
              ) : (
                current.hostId || NONE
              )}
            </Fact>
            <Fact label="Bridge">
              <span className="font-mono">{current.bridge || '—'}</span>
            </Fact>
            <Fact label="Autostart">{current.autostart ? 'Yes: starts with the daemon' : 'No'}</Fact>
            <Fact label="Wanted state">{current.desiredState === 'unknown' ? NONE : current.desiredState}</Fact>
            <Fact label="Created">
              {current.createdAt === null ? (
                NONE
              ) : (
                <time dateTime={new Date(current.createdAt).toISOString()} title={formatTimestamp(current.createdAt)}>
                  {formatRelative(current.createdAt, now)}
                </time>
              )}
            </Fact>
            <Fact label="ID" wide>
              <span className="font-mono text-xs break-all">{current.id}</span>
            </Fact>
          </dl>
        </Panel>

        <Panel title="Network">
          <dl className="space-y-4 text-sm">
            <Fact label="Lease" testId="vm-lease">
              {lease === null ? (
                <span className={MUTED}>
                  {running ? 'None yet: the guest has not asked for an address.' : 'None: the VM is not running.'}
                </span>
              ) : (
                <span className="flex flex-wrap items-center gap-2">
                  <Link href={`/leases?q=${encodeURIComponent(lease.address)}`} className={`font-mono ${LINK}`}>
                    {lease.address}
                  </Link>
                  <StateBadge state={lease.state} />
                  {lease.expiresAt !== null && lease.state === 'active' ? (
                    <span className={`text-xs ${MUTED}`}>until {formatTimestamp(lease.expiresAt)}</span>
                  ) : null}
                </span>
              )}
            </Fact>
            <Fact label="Reservation" testId="vm-reservation">
              {reservation === null ? (
                <span className={MUTED}>None</span>
              ) : (
                <span>
                  <Link href={`/reservations?q=${encodeURIComponent(reservation.mac)}`} className={`font-mono ${LINK}`}>
                    {reservation.address}
                  </Link>{' '}
                  <span className={`text-xs ${MUTED}`}>
                    for {reservation.mac}
                    {reservation.hostname ? ` (${reservation.hostname})` : ''}, kept with the VM
                  </span>
                </span>
              )}
            </Fact>
          </dl>
        </Panel>

        <Panel title="Usage" className="lg:col-span-3">
          {!running ? (
            <p className={`text-sm ${MUTED}`}>Usage is sampled every 2 seconds while the VM runs.</p>
          ) : (
            <div className="grid gap-6 sm:grid-cols-2">
              <UsageGraph
                label="CPU"
                value={usage ? formatCpu(usage.latest.cpuPercent) : null}
                note="of one host CPU"
                values={usage?.cpu ?? []}
                floor={100}
              />
              <UsageGraph
                label="Memory"
                value={usage ? formatBytes(usage.latest.memoryBytes) : null}
                // QEMU's own resident memory: it runs past the guest's size (QEMU itself, its
                // buffers), so the guest's memory is named as that, not as a limit.
                note={`used by QEMU; the guest has ${formatMib(current.memoryMib)}`}
                values={usage?.memory ?? []}
                floor={memoryTop}
              />
            </div>
          )}
        </Panel>

        <div className="min-w-0 lg:col-span-3">
          {consoleShown ? (
            <VmConsole vmId={current.id} vmName={current.name} running={running} />
          ) : (
            <Panel title="Serial console">
              <p className={`text-sm ${MUTED}`} data-testid="console-off">
                The serial console shows here while {current.name} runs: its boot messages first, then what it writes as
                it writes it, and what you type goes to it.
              </p>
            </Panel>
          )}
        </div>

        <Panel title="Timeline" className="lg:col-span-3">
          {timeline.length === 0 ? (
            <p className={`text-sm ${MUTED}`}>No events of this VM in the log.</p>
          ) : (
            <ol className="space-y-2 text-sm" data-testid="vm-timeline">
              {timeline.map((entry) => (
                <li key={entry.revision} className="flex flex-col gap-x-3 sm:flex-row sm:items-baseline">
                  <time
                    className={`w-28 shrink-0 text-xs tabular-nums ${MUTED}`}
                    dateTime={entry.time === null ? undefined : new Date(entry.time).toISOString()}
                    title={entry.time === null ? undefined : formatTimestamp(entry.time)}
                  >
                    {entry.time === null ? '—' : formatRelative(entry.time, now)}
                  </time>
                  <span className="min-w-0 break-words text-zinc-800 dark:text-zinc-200">{entry.summary}</span>
                </li>
              ))}
            </ol>
          )}
        </Panel>
      </div>

      {dialog.kind === 'action' ? (
        <VmActionDialog
          key={dialog.opening}
          vm={dialog.vm}
          current={vm}
          action={dialog.action}
          onClose={close}
          onSettled={onSettled}
        />
      ) : null}
    </>
  );
}

function Panel({ title, className = '', children }: { title: string; className?: string; children: ReactNode }) {
  const id = `panel-${title.toLowerCase()}`;
  return (
    <section
      aria-labelledby={id}
      className={`min-w-0 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900 ${className}`}
    >
      <h2 id={id} className="mb-4 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Fact({
  label,
  children,
  testId,
  wide = false,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
  /** Both columns on a phone (long values). */
  wide?: boolean;
}) {
  return (
    <div className={`min-w-0 ${wide ? 'col-span-2 sm:col-span-1' : ''}`}>
      <dt className={`text-xs font-medium ${MUTED}`}>{label}</dt>
      <dd className="mt-0.5 min-w-0 text-zinc-900 dark:text-zinc-100" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function BootFacts({ boot }: { boot: VmBoot }) {
  const file = (path: string) => (
    <span className="font-mono text-xs break-all" title={path}>
      {path.split('/').pop()}
    </span>
  );
  switch (boot.kind) {
    case 'kernel':
      return (
        <span className="block space-y-0.5">
          <span className="block">Kernel {file(boot.kernelPath)}</span>
          {boot.initrdPath ? <span className="block">Initrd {file(boot.initrdPath)}</span> : null}
          {boot.cmdline ? <span className={`block font-mono text-xs break-all ${MUTED}`}>{boot.cmdline}</span> : null}
        </span>
      );
    case 'iso':
      return <span>ISO {file(boot.isoPath)}</span>;
    case 'disk':
      return <span>Disk image {file(boot.imagePath)}</span>;
    case 'none':
      return NONE;
  }
}

function UsageGraph({
  label,
  value,
  note,
  values,
  floor,
}: {
  label: string;
  value: string | null;
  note: string;
  values: number[];
  floor: number;
}) {
  return (
    <div data-testid={`usage-${label.toLowerCase()}`}>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-zinc-900 dark:text-zinc-100">{label}</span>
        <span className="tabular-nums">
          {value ?? <span className={MUTED}>waiting for the first sample…</span>}{' '}
          <span className={`text-xs ${MUTED}`}>{value ? note : ''}</span>
        </span>
      </div>
      <Sparkline values={values} floor={floor} label={`${label} over the last minute`} className="mt-2 h-16 w-full" />
      <p className={`mt-1 text-xs ${MUTED}`}>The last minute, a sample every 2 s.</p>
    </div>
  );
}
