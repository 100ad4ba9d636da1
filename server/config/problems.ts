// What is wrong with a config, in the form `homeplane check` prints (like `kea-dhcp4 -t`): one
// `path: reason` line per problem, every problem at once so a user fixes them in one pass.

export interface ConfigProblem {
  /** Dotted path with indexes, e.g. "dhcp.subnets[1].pools[0]"; a file name for file-level faults. */
  path: string;
  /** What was wrong and what to do about it. */
  reason: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.reason}`).join('\n');
}

/** ["dhcp", "subnets", 1, "pools", 0] -> "dhcp.subnets[1].pools[0]". */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path === '' ? '(top level)' : path;
}
