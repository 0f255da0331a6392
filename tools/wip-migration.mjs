#!/usr/bin/env node
// Regenerates ONE uncommitted migration for a service from its current tables:
//   node tools/wip-migration.mjs <members|calendar|feed>
// Every migration that is not committed yet is removed first (files, snapshot, journal entry), then
// drizzle-kit writes a fresh one that covers every table change made since the last commit, whoever
// made it. Several people (or helpers) changing the same service's tables in one working tree thus
// never produce two migrations that create the same table. Before committing, rename it if you like
// with drizzle-kit's naming (keep the journal's tag in step).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const service = process.argv[2];
if (!['members', 'calendar', 'feed'].includes(service)) {
  console.error('usage: node tools/wip-migration.mjs <members|calendar|feed>');
  process.exit(2);
}
const dir = join('services', service, 'src', 'db', 'migrations');
const lock = join(dir, '.wip-lock');
for (let i = 0; ; i++) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (i > 120) throw new Error(`${lock} is held for too long: remove it if no one is generating`);
    execFileSync('sleep', ['0.5']);
  }
}
try {
  const committed = new Set(
    execFileSync('git', ['ls-files', dir], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.slice(dir.length + 1)),
  );
  for (const f of readdirSync(dir)) if (f.endsWith('.sql') && !committed.has(f)) rmSync(join(dir, f));
  for (const f of readdirSync(join(dir, 'meta'))) if (!committed.has(`meta/${f}`)) rmSync(join(dir, 'meta', f));
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  journal.entries = journal.entries.filter((e) => existsSync(join(dir, `${e.tag}.sql`)));
  writeFileSync(journalPath, JSON.stringify(journal, null, 2));
  execFileSync('npx', ['drizzle-kit', 'generate', '--config', `services/${service}/drizzle.config.ts`, '--name', 'wip'], {
    stdio: 'inherit',
  });
} finally {
  rmdirSync(lock);
}
