'use client';
// Light / Dark / System as one radio group: native radios, so Tab reaches the group and the
// arrow keys move the pick; each has a visible-to-screen-readers name, and a tooltip.
import type { ReactNode } from 'react';
import { writeThemeChoice, useThemeChoice } from '../lib/theme-client.ts';
import { THEME_CHOICES, type ThemeChoice } from '../lib/theme.ts';

const CHOICES: Record<ThemeChoice, { label: string; icon: ReactNode }> = {
  light: {
    label: 'Light',
    icon: (
      <>
        <circle cx="10" cy="10" r="3.5" />
        <path d="M10 2v2M10 16v2M2 10h2M16 10h2M4.3 4.3l1.4 1.4M14.3 14.3l1.4 1.4M4.3 15.7l1.4-1.4M14.3 5.7l1.4-1.4" />
      </>
    ),
  },
  dark: { label: 'Dark', icon: <path d="M16 12.5A6.5 6.5 0 0 1 7.5 4a6.5 6.5 0 1 0 8.5 8.5Z" /> },
  system: {
    label: 'System',
    icon: (
      <>
        <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
        <path d="M7 17h6M10 13.5V17" />
      </>
    ),
  },
};

export function ThemeToggle() {
  const current = useThemeChoice();
  return (
    <fieldset
      data-testid="theme-toggle"
      className="flex shrink-0 items-center rounded-full border border-zinc-200 bg-zinc-100 p-0.5 dark:border-zinc-700 dark:bg-zinc-800"
    >
      <legend className="sr-only">Theme</legend>
      {THEME_CHOICES.map((choice) => (
        <label
          key={choice}
          title={`${CHOICES[choice].label} theme`}
          className="relative grid size-7 cursor-pointer place-items-center rounded-full text-zinc-500 transition-colors hover:text-zinc-900 has-checked:bg-white has-checked:text-zinc-900 has-checked:shadow-sm has-focus-visible:ring-2 has-focus-visible:ring-sky-500 dark:text-zinc-400 dark:hover:text-zinc-100 dark:has-checked:bg-zinc-950 dark:has-checked:text-zinc-100"
        >
          <input
            type="radio"
            name="theme"
            value={choice}
            checked={current === choice}
            onChange={() => writeThemeChoice(choice)}
            // Invisible but over the whole button, so a click or tap lands on the radio itself.
            className="absolute inset-0 size-full cursor-pointer appearance-none rounded-full opacity-0"
          />
          <svg
            aria-hidden
            viewBox="0 0 20 20"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinecap="round"
            strokeLinejoin="round"
            className="size-4"
          >
            {CHOICES[choice].icon}
          </svg>
          <span className="sr-only">{CHOICES[choice].label}</span>
        </label>
      ))}
    </fieldset>
  );
}
