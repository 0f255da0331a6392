#!/usr/bin/env node
// Installs dependencies when they are missing or older than package-lock.json (a fresh clone, a pull
// that changed the lockfile), so `npm test` and `npm start` work straight after `git clone`.
// Dependency-free on purpose: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lockfile = join(root, 'package-lock.json');
// npm writes this copy of the lockfile into node_modules after every install.
const installed = join(root, 'node_modules', '.package-lock.json');

function reason() {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installed)) return 'node_modules/.package-lock.json is missing';
  if (statSync(installed).mtimeMs < statSync(lockfile).mtimeMs) return 'package-lock.json is newer than node_modules';
  return undefined;
}

const why = reason();
if (why) {
  console.log(`ensure-deps: ${why}: running npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { status, error } = spawnSync(npm, ['ci'], { cwd: root, stdio: 'inherit' });
  if (error) throw error;
  if (status !== 0) process.exit(status ?? 1);
}
