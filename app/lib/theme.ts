// Light or dark: the system's setting unless the user picked one with the header's toggle, which
// then sticks (localStorage, per browser). Dark mode is class-based (`<html class="dark">`,
// globals.css's `dark` variant), so the class must be right before the first paint: the root
// layout inlines THEME_SCRIPT in <head>, which runs before the body is parsed, and theme-sync.tsx
// keeps it right afterwards (system changes, the toggle, other tabs).

export const THEME_CHOICES = ['light', 'dark', 'system'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type ColorScheme = 'light' | 'dark';

/** The localStorage key of the user's pick; absent means "system". */
export const THEME_STORAGE_KEY = 'homeplane-theme';
/** Fired on window when this tab changes the pick (localStorage's `storage` event reaches only other tabs). */
export const THEME_CHANGE_EVENT = 'homeplane-theme-change';
export const DARK_QUERY = '(prefers-color-scheme: dark)';

export function parseThemeChoice(stored: string | null): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export function resolveColorScheme(choice: ThemeChoice, systemDark: boolean): ColorScheme {
  switch (choice) {
    case 'light':
    case 'dark':
      return choice;
    case 'system':
      return systemDark ? 'dark' : 'light';
  }
}

/**
 * Runs in <head> before anything paints: the same decision as parseThemeChoice and
 * resolveColorScheme, in plain ES5 because it is not bundled. Storage can throw (disabled
 * cookies): then the system decides.
 */
export const THEME_SCRIPT = `(function(){var c=null;try{c=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)})}catch(e){}
var d=c==='dark'||(c!=='light'&&window.matchMedia(${JSON.stringify(DARK_QUERY)}).matches);
var r=document.documentElement;r.classList.toggle('dark',d);r.style.colorScheme=d?'dark':'light';
r.setAttribute('data-theme',c==='light'||c==='dark'?c:'system')})()`;
