// docs/grafana/homeplane.json against what the daemon exposes: every metric a panel's query (or a
// variable's) names must be one the daemon serves, so a renamed metric cannot leave an empty
// panel behind. Also what a stock Grafana import needs: the data source is a variable (no fixed
// uid from someone else's Grafana), panel ids are unique, every panel has a place on the grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMetrics } from './metrics.ts';
import { parseExposition } from './testing/exposition.ts';
import { sampleSources } from './testing/sample-sources.ts';

interface Target {
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: { uid: string } }[] };
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../docs/grafana/homeplane.json', import.meta.url), 'utf8'),
) as Dashboard;

/** Words of PromQL that are not metric names: functions, aggregations, keywords. */
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'topk',
  'bottomk',
  'quantile',
  'stddev',
  'stdvar',
  'group',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'histogram_quantile',
  'label_values',
  'abs',
  'clamp_min',
  'clamp_max',
  'round',
  'vector',
  'scalar',
  'time',
  'absent',
  'max_over_time',
  'avg_over_time',
]);

/** The metric names in a PromQL expression: what is left once strings, matchers, groupings, ranges, numbers and PromQL's own words are gone. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    // Grafana's label_values(metric, label): the second argument is a label.
    .replace(/label_values\(([^,)]*),\s*\w+\s*\)/g, '$1')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\w+/g, ' ');
  const words = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return words.filter((word) => !PROMQL_WORDS.has(word) && !/^(le|e)$/.test(word));
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

async function exposedNames(): Promise<Set<string>> {
  const families = parseExposition(await createMetrics(sampleSources()).registry.metrics());
  const names = new Set<string>();
  for (const family of families.values()) {
    names.add(family.name);
    if (family.type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(family.name + suffix);
  }
  return names;
}

test('every metric a panel or variable queries is one the daemon exposes', async () => {
  const exposed = await exposedNames();
  const panels = allPanels(dashboard.panels).filter((p) => p.type !== 'row');
  assert.ok(panels.length >= 10, 'the dashboard has its panels');
  const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })));
  for (const variable of dashboard.templating.list)
    if (variable.type === 'query')
      queries.push({ where: `variable ${variable.name}`, expr: (variable.query as { query: string }).query });
  for (const panel of panels) assert.ok((panel.targets ?? []).length > 0, `panel "${panel.title}" has a query`);
  for (const { where, expr } of queries) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `${where}: "${expr}" names no metric`);
    for (const name of names) assert.ok(exposed.has(name), `${where}: ${name} is not exposed by the daemon`);
  }
});

test('the data source is a variable, as a stock Grafana import needs', () => {
  const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
  assert.ok(variable, 'a data source variable');
  assert.equal(variable.query, 'prometheus');
  const ref = `\${${variable.name}}`;
  for (const panel of allPanels(dashboard.panels).filter((p) => p.type !== 'row')) {
    assert.equal(panel.datasource?.uid, ref, `panel "${panel.title}"`);
    for (const target of panel.targets ?? []) assert.equal(target.datasource?.uid, ref, `a query of "${panel.title}"`);
  }
  for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) assert.equal(v.datasource?.uid, ref);
});

test('panel ids are unique and every panel has a place on the grid', () => {
  const panels = allPanels(dashboard.panels);
  assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
  for (const p of panels) {
    assert.ok(p.gridPos && p.gridPos.w > 0 && p.gridPos.h > 0 && p.gridPos.x + p.gridPos.w <= 24, `panel "${p.title}"`);
  }
});

test('the check itself: a misspelt metric is caught', async () => {
  const exposed = await exposedNames();
  const names = metricNames('sum by (type) (rate(homeplane_dhcp_packet_received_total{instance=~"$instance"}[5m]))');
  assert.deepEqual(names, ['homeplane_dhcp_packet_received_total']);
  assert.ok(!exposed.has(names[0]!));
});
