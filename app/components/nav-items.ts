// The dashboard's sections, in header order. VMs, hosts, reservations and subnets join here.
export interface NavItem {
  href: string;
  label: string;
}

export const NAV_ITEMS: readonly NavItem[] = [{ href: '/leases', label: 'Leases' }];
