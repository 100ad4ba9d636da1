// The dashboard's sections, in header order.
export interface NavItem {
  href: string;
  label: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/leases', label: 'Leases' },
  { href: '/reservations', label: 'Reservations' },
  { href: '/subnets', label: 'Subnets' },
  { href: '/vms', label: 'VMs' },
  { href: '/hosts', label: 'Hosts' },
  { href: '/events', label: 'Events' },
];
