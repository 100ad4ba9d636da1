import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from './components/site-header.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Homeplane', template: '%s · Homeplane' },
  description: 'Homelab control plane: DHCP leases and virtual machines, live.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased">
        <SiteHeader />
        <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-8">{children}</main>
      </body>
    </html>
  );
}
