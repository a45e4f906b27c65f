import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDirs } from '../core/make-dirs.js';

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** Human statement of the target, e.g. "<= 16". */
  goal: string;
  better: 'lower' | 'higher';
  meets: boolean;
}

export interface BenchResult {
  bench: string;
  date: string;
  machine: { cpus: number; model: string; node: string; loadavg: number[] };
  metrics: Metric[];
  notes?: string[];
}

export interface Bench {
  name: string;
  description: string;
  run(): Promise<{ metrics: Metric[]; notes?: string[] }>;
}

export function lowerIsBetter(name: string, value: number, unit: string, max: number): Metric {
  return { name, value: round(value), unit, goal: `<= ${max}`, better: 'lower', meets: value <= max };
}

export function higherIsBetter(name: string, value: number, unit: string, min: number): Metric {
  return { name, value: round(value), unit, goal: `>= ${min}`, better: 'higher', meets: value >= min };
}

/** A number reported for context, with no goal of its own. */
export function info(name: string, value: number, unit: string, better: 'lower' | 'higher' = 'lower'): Metric {
  return { name, value: round(value), unit, goal: 'report', better, meets: true };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');

export function writeResult(name: string, metrics: Metric[], notes?: string[]): BenchResult {
  const cpus = os.cpus();
  const result: BenchResult = {
    bench: name,
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', node: process.version, loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    metrics,
    ...(notes?.length ? { notes } : {}),
  };
  makeDirs(resultsDir);
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

export function printResult(result: BenchResult): void {
  const rows = result.metrics.map((m) => [m.name, `${m.value} ${m.unit}`, m.goal, m.goal === 'report' ? '' : m.meets ? 'yes' : 'NO']);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['metric', 'value', 'goal', 'meets'][i]!.length));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${result.bench} (${result.machine.cpus} x ${result.machine.model}, load ${result.machine.loadavg.join(' ')})`);
  console.log(line(['metric', 'value', 'goal', 'meets']));
  for (const r of rows) console.log(line(r));
  for (const n of result.notes ?? []) console.log(`  note: ${n}`);
}

export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}
