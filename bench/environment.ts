import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/** Where and with what a result was measured, for the report. */
export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cpus: number;
  readonly node: string;
  /** Package versions from node_modules. */
  readonly versions: Readonly<Record<string, string>>;
  /** How the server and the load generator were pinned, e.g. `server on CPU 0, load generator on CPU 1`. */
  readonly pinning: string;
  /** The one-minute load average at the start and at the end: above the CPU count, others were busy too. */
  readonly loadAverage: readonly [number, number];
}

const PACKAGES = ['express', 'autocannon', 'express-jwt', 'passport-jwt', 'express-oauth2-jwt-bearer', 'jsonwebtoken', 'jose'] as const;

function versionOf(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export function describeEnvironment(pinning: string, loadAtStart = loadavg()[0]): Environment {
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    // The machine's CPUs, not this process's: a process pinned with taskset sees only its own.
    cpus: cpus().length,
    node: process.version,
    versions: Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])),
    pinning,
    loadAverage: [loadAtStart, loadavg()[0]],
  };
}

/** How this process is pinned, from its CPU affinity (`Cpus_allowed_list` in /proc). */
export function ownPinning(): string {
  try {
    const allowed = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (allowed !== undefined && /^\d+$/.test(allowed) && cpus().length > 1) return `one process pinned to CPU ${allowed}`;
  } catch {
    // No /proc: not Linux, so not pinned by this bench either.
  }
  return 'one process, not pinned';
}

export function environmentLine(environment: Environment): string {
  const { versions } = environment;
  return `${environment.date}, ${environment.cpu} (${environment.cpus} CPUs, shared), Node ${environment.node}, `
    + `Express ${versions.express}, autocannon ${versions.autocannon}; ${environment.pinning}; `
    + `load average ${environment.loadAverage.map((value) => value.toFixed(1)).join(' → ')}.`;
}
