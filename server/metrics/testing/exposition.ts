// A strict reading of the Prometheus text format (exposition format 0.0.4) for tests: every
// sample belongs to a family announced by one HELP and one TYPE line before it, no series (name +
// label set) appears twice, and every value is a number. Prometheus' own promtool parses and lints
// the same text (promtool.ts); this adds what it does not check.
export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** The families of `text`; throws naming the first line that breaks a rule. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const help = new Map<string, string>();
  const seen = new Set<string>();
  let current: Family | null = null;
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error('the exposition does not end with a newline');
  lines.forEach((line, index) => {
    const where = `line ${index + 1} ("${line}")`;
    if (line.startsWith('# HELP ')) {
      const [name, ...words] = line.slice(7).split(' ');
      if (!NAME.test(name!)) throw new Error(`${where}: bad metric name`);
      if (help.has(name!) || families.has(name!)) throw new Error(`${where}: a second HELP for ${name}`);
      if (words.join(' ').trim() === '') throw new Error(`${where}: empty help text`);
      help.set(name!, words.join(' '));
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ') as [string, Family['type']];
      if (families.has(name)) throw new Error(`${where}: a second TYPE for ${name}`);
      if (!help.has(name)) throw new Error(`${where}: TYPE before (or without) HELP`);
      if (!(type in SUFFIXES)) throw new Error(`${where}: unknown type`);
      current = { name, help: help.get(name)!, type, samples: [] };
      families.set(name, current);
      return;
    }
    if (line.startsWith('#') || line === '') return;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`${where}: not a sample line`);
    const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
    const family = current as Family | null;
    if (family === null || !SUFFIXES[family.type].some((suffix) => name === family.name + suffix))
      throw new Error(`${where}: sample outside its family (no HELP and TYPE for it before it)`);
    const labels = parseLabels(labelText ?? '', where);
    const value = numberOf(valueText);
    if (value === null) throw new Error(`${where}: value is not a number`);
    const series = `${name}{${Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(series)) throw new Error(`${where}: duplicate series ${series}`);
    seen.add(series);
    family.samples.push({ name, labels, value });
  });
  for (const name of help.keys()) if (!families.has(name)) throw new Error(`${name} has HELP but no TYPE`);
  return families;
}

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case. */
function numberOf(text: string): number | null {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  const value = Number(text);
  return Number.isNaN(value) || text.trim() === '' ? null : value;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (match === null) throw new Error(`${where}: bad label set`);
    if (match[1]! in labels) throw new Error(`${where}: label ${match[1]} twice`);
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    if (match[3] === '') break;
  }
  return labels;
}

/** The value of one series, or undefined. */
export function valueOf(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values())
    for (const sample of family.samples)
      if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) return sample.value;
  return undefined;
}
