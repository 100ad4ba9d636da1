import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { ThemeSync } from './components/theme-sync.tsx';
import { THEME_SCRIPT } from './lib/theme.ts';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Homeplane', template: '%s · Homeplane' },
  description: 'Homelab control plane: DHCP leases and virtual machines, live.',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafa' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The head script sets the dark class and color-scheme on <html> before the first paint (no
    // flash of the wrong theme), so React finds attributes the server did not render.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <ThemeSync />
        {children}
      </body>
    </html>
  );
}
