'use client';
// Keeps <html>'s dark class true after the first paint (theme.ts's head script set it): it
// follows the system live while the pick is "system", and picks made here or in another tab.
import { useEffect } from 'react';
import { applyThemeChoice, readThemeChoice, subscribeTheme } from '../lib/theme-client.ts';

export function ThemeSync(): null {
  useEffect(() => {
    applyThemeChoice(readThemeChoice());
    return subscribeTheme(() => applyThemeChoice(readThemeChoice()));
  }, []);
  return null;
}
