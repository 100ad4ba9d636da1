'use client';
// Where the VM's serial console goes: <VmConsole vmId vmName running /> (the stream helper's
// app/components/vm-console.tsx).
//
// PLACEHOLDER until vm-console.tsx is in main: says so instead of a terminal. Not labelled
// "Console", so nothing mistakes it for the real one.
export function ConsoleSlot({ vmName, running }: { vmId: string; vmName: string; running: boolean }) {
  return (
    <section
      aria-label="Console placeholder"
      data-testid="console-placeholder"
      className="rounded-xl border border-dashed border-zinc-300 p-5 text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400"
    >
      The serial console of {vmName} appears here{running ? '' : ' while it runs'} (the console component is not in this
      build yet).
    </section>
  );
}
