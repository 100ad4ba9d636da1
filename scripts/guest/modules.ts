// Kernel modules in the order busybox insmod must load them. insmod resolves nothing itself
// (unlike modprobe, it reads no modules.dep), so a module goes in after everything its
// `depends=` names: the comma-separated list modpost writes into the module's .modinfo section
// as a NUL-terminated "depends=a,b" string.

/** The modules a .ko needs loaded first, from its .modinfo "depends=" (empty when it needs none). */
export function modinfoDepends(ko: Buffer): string[] {
  const key = Buffer.from('\0depends=');
  const at = ko.indexOf(key);
  if (at < 0) return [];
  const start = at + key.length;
  const end = ko.indexOf(0, start);
  const list = ko.subarray(start, end < 0 ? ko.length : end).toString('latin1');
  return list === '' ? [] : list.split(',').map(moduleName);
}

/** Kernel module names use "_" where file names may use "-" (virtio-rng.ko is module virtio_rng). */
export function moduleName(fileStem: string): string {
  return fileStem.replaceAll('-', '_');
}

/**
 * `wanted` and every module they depend on, each after its dependencies, otherwise in the order
 * asked for. `read(name)` returns a module's bytes, or null when the kernel has no such module.
 */
export async function loadOrder(
  wanted: readonly string[],
  read: (name: string) => Promise<Buffer | null>,
): Promise<Map<string, Buffer>> {
  const ordered = new Map<string, Buffer>();
  const visiting: string[] = [];
  const visit = async (name: string, neededBy: string | null): Promise<void> => {
    if (ordered.has(name)) return;
    if (visiting.includes(name))
      throw new Error(`modules depend on each other in a circle: ${[...visiting, name].join(' -> ')}`);
    const ko = await read(name);
    if (ko === null)
      throw new Error(
        `module ${name}${neededBy === null ? '' : ` (needed by ${neededBy})`} is not in this kernel's modules`,
      );
    visiting.push(name);
    for (const dep of modinfoDepends(ko)) await visit(dep, name);
    visiting.pop();
    ordered.set(name, ko);
  };
  for (const name of wanted) await visit(moduleName(name), null);
  return ordered;
}
