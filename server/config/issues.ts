// Turns zod's issues into config problems: paths in dotted form, one problem per unknown key with
// a "did you mean", and reasons phrased for someone editing YAML rather than for a programmer.
import { z } from 'zod';
import { describeInput } from './field.ts';
import { formatPath, type ConfigProblem } from './problems.ts';
import { closestKey } from './suggest.ts';

type Issue = z.core.$ZodIssue;

/** Per-parse error map for the generic issues zod raises itself (our fields set their own). */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  const got = describeInput(issue.input);
  if (issue.input === undefined) return 'required; add this key';
  if (issue.expected === 'array') return `expected a list, got ${got}; write [a, b] or one "- item" line per entry`;
  if (issue.expected === 'object') return `expected a mapping of keys, got ${got}; write "key: value" lines under it`;
  return `expected ${issue.expected}, got ${got}`;
}

export function problemsFromIssues(issues: readonly Issue[], schema: z.ZodType): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code !== 'unrecognized_keys') return [{ path: formatPath(issue.path), reason: issue.message }];
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      reason: unknownKeyReason(key, known),
    }));
  });
}

function unknownKeyReason(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  if (suggestion !== null) return `unknown key (did you mean "${suggestion}"?)`;
  return `unknown key; the keys allowed here are: ${known.join(', ')}`;
}

/** The keys of the object schema found by following `path` through arrays and wrappers. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current = unwrap(schema);
  for (const segment of path) {
    if (typeof segment === 'number' && current instanceof z.ZodArray) {
      current = unwrap(current.element as z.ZodType);
    } else if (typeof segment === 'string' && current instanceof z.ZodObject) {
      const next = (current.shape as Record<string, z.ZodType | undefined>)[segment];
      if (next === undefined) return [];
      current = unwrap(next);
    } else {
      return [];
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodPrefault ||
    current instanceof z.ZodNullable ||
    current instanceof z.ZodPipe
  ) {
    // A pipe (z.preprocess) checks its input first and then parses it with its output schema.
    current = (current instanceof z.ZodPipe ? current.out : current.unwrap()) as z.ZodType;
  }
  return current;
}
