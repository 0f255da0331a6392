// What the report says about where it was measured: the machine, Node and the installed versions.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  /** The repository's commit (with `+changes` when the working tree differs), or undefined outside git. */
  commit?: string;
}

export function machineInfo(repoRoot: string): MachineInfo {
  let commit: string | undefined;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    commit = dirty ? `${head}+changes` : head;
  } catch {
    commit = undefined;
  }
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    ...(commit ? { commit } : {}),
  };
}

/** Installed version of each package (read from node_modules, whatever its exports allow), `missing` when absent. */
export function packageVersions(repoRoot: string, names: Iterable<string>): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of [...new Set(names)].sort()) {
    const path = join(repoRoot, 'node_modules', name, 'package.json');
    versions[name] = existsSync(path) ? String((JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version) : 'missing';
  }
  return versions;
}
