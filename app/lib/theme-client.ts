'use client';
// The browser side of theme.ts: reading and writing the user's pick, and putting the resolved
// scheme on <html>. No state of its own: localStorage is the store, and a window event tells
// this tab's components that it changed.
import { useSyncExternalStore } from 'react';
import {
  DARK_QUERY,
  THEME_CHANGE_EVENT,
  THEME_STORAGE_KEY,
  parseThemeChoice,
  resolveColorScheme,
  type ThemeChoice,
} from './theme.ts';

export function readThemeChoice(): ThemeChoice {
  try {
    return parseThemeChoice(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system';
  }
}

export function writeThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Storage refused (private mode, disabled): the pick holds for this page only.
  }
  window.dispatchEvent(new CustomEvent<ThemeChoice>(THEME_CHANGE_EVENT, { detail: choice }));
}

/** Sets the class and color-scheme on <html> for `choice` as the system is now. */
export function applyThemeChoice(choice: ThemeChoice): void {
  const scheme = resolveColorScheme(choice, window.matchMedia(DARK_QUERY).matches);
  const root = document.documentElement;
  root.classList.toggle('dark', scheme === 'dark');
  root.style.colorScheme = scheme;
  root.dataset.theme = choice;
}

/** Calls `onChange` whenever the pick or the system's scheme may have changed; returns the unsubscribe. */
export function subscribeTheme(onChange: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  const onStorage = (e: StorageEvent) => {
    if (e.key === THEME_STORAGE_KEY || e.key === null) onChange();
  };
  media.addEventListener('change', onChange);
  window.addEventListener('storage', onStorage);
  window.addEventListener(THEME_CHANGE_EVENT, onChange);
  return () => {
    media.removeEventListener('change', onChange);
    window.removeEventListener('storage', onStorage);
    window.removeEventListener(THEME_CHANGE_EVENT, onChange);
  };
}

/** The user's pick; "system" during server rendering and hydration, the stored one right after. */
export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribeTheme, readThemeChoice, () => 'system');
}
