// The client classes (dhcp.classes), which apply in every subnet: what puts a client in each, and
// what its members get over their subnet's settings. A later class overrides an earlier one; a
// client's reservation overrides them all.
import type { ClientClassView } from '../../lib/subnet-view.ts';
import { OptionList } from './option-list.tsx';
import { BootSettings } from './subnet-card.tsx';

export function ClassList({ classes }: { classes: ClientClassView[] }) {
  if (classes.length === 0) return null;
  return (
    <section
      aria-labelledby="client-classes-title"
      data-testid="client-classes"
      className="rounded-lg border border-zinc-200 bg-white p-5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h2 id="client-classes-title" className="text-lg font-semibold text-zinc-900 dark:text-zinc-100">
        Client classes
      </h2>
      <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
        In every subnet, a client that matches a class gets its settings over the subnet’s. A client may be in several;
        a later class wins over an earlier one, and a reservation over them all.
      </p>
      <ol className="mt-4 space-y-4">
        {classes.map((cls) => (
          <li
            key={cls.name}
            data-class={cls.name}
            aria-label={`Class ${cls.name}`}
            className="rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
          >
            <h3 className="font-mono font-semibold text-zinc-900 dark:text-zinc-100">{cls.name}</h3>
            <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">
              <span className="text-zinc-500 dark:text-zinc-400">Clients with </span>
              {cls.match.map((phrase, i) => (
                <span key={phrase}>
                  {i > 0 ? <span className="text-zinc-500 dark:text-zinc-400"> and </span> : null}
                  <span className="font-mono break-words">{phrase}</span>
                </span>
              ))}
            </p>
            <div className="mt-3 grid gap-4 md:grid-cols-2">
              <div>
                <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                  Network boot
                </h4>
                <BootSettings boot={cls.boot} none="None: the subnet’s applies." />
              </div>
              <div>
                <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                  Options
                </h4>
                <OptionList options={cls.options} label={`Options of class ${cls.name}`} showScope={false} />
              </div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
