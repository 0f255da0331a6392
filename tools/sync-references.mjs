#!/usr/bin/env node
// Keeps TypeScript project references in step with the imports, so that `tsc -b` builds every
// workspace project after the projects it imports:
//   - each project's tsconfig.json gets `references` to the workspace packages (`@pdn/<name>`) that
//     its built files (the tsconfig's own file list, so specs are left out) import;
//   - the root tsconfig.json (a solution file) references every project that has a tsconfig.json.
// `npm run build` runs it before `tsc -b`; `--check` only reports, for CI.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

/** Workspace folders from the root package.json: `dir/*` patterns and plain folders. */
function workspaceProjects() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
      }
    } else if (!pattern.includes('*')) {
      dirs.push(join(root, pattern));
    } else {
      throw new Error(`sync-references: unsupported workspace pattern "${pattern}"`);
    }
  }
  return dirs
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({
      dir,
      name: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name,
      tsconfig: existsSync(join(dir, 'tsconfig.json')) ? join(dir, 'tsconfig.json') : undefined,
    }))
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

function readTsconfig(path) {
  const { config, error } = ts.readConfigFile(path, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return config;
}

/** Package name of an import specifier: `@pdn/members/schema` → `@pdn/members`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function importedWorkspacePackages(project, byName) {
  const parsed = ts.parseJsonConfigFileContent(readTsconfig(project.tsconfig), ts.sys, project.dir);
  const found = new Set();
  for (const file of parsed.fileNames) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const name = packageOf(fileName);
      if (name !== project.name && byName.has(name)) found.add(name);
    }
  }
  return [...found];
}

const posix = (path) => path.split(sep).join('/');
const sameRefs = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const formatRefs = (refs) =>
  refs.length === 0 ? '[]' : `[${refs.map((r) => `{ "path": ${JSON.stringify(r.path)} }`).join(', ')}]`;

/** Rewrites only the `references` property, leaving the rest of the file as its author wrote it. */
function withReferences(text, refs) {
  const existing = /"references"\s*:\s*\[[^\]]*\]/;
  if (existing.test(text)) return text.replace(existing, `"references": ${formatRefs(refs)}`);
  if (refs.length === 0) return text;
  const end = text.lastIndexOf('}');
  const before = text.slice(0, end).trimEnd();
  const comma = before.endsWith('{') ? '' : ',';
  return `${before}${comma}\n  "references": ${formatRefs(refs)}\n${text.slice(end)}`;
}

const projects = workspaceProjects();
const byName = new Map(projects.map((p) => [p.name, p]));
const stale = [];

for (const project of projects.filter((p) => p.tsconfig)) {
  const wanted = importedWorkspacePackages(project, byName)
    .map((name) => byName.get(name))
    .filter((dep) => dep.tsconfig)
    .map((dep) => ({ path: posix(relative(project.dir, dep.dir)) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const current = readTsconfig(project.tsconfig).references ?? [];
  if (sameRefs(current, wanted)) continue;
  stale.push(posix(relative(root, project.tsconfig)));
  if (!check) writeFileSync(project.tsconfig, withReferences(readFileSync(project.tsconfig, 'utf8'), wanted));
}

const solutionPath = join(root, 'tsconfig.json');
const solutionRefs = projects
  .filter((p) => p.tsconfig)
  .map((p) => ({ path: `./${posix(relative(root, p.dir))}` }));
const solution = existsSync(solutionPath) ? readTsconfig(solutionPath) : {};
if (!sameRefs(solution.references ?? [], solutionRefs) || !sameRefs(solution.files, [])) {
  stale.push('tsconfig.json');
  if (!check) {
    const header =
      '// Solution file: `tsc -b` builds every workspace project in dependency order.\n' +
      '// Its references are written by tools/sync-references.mjs (run by `npm run build`).\n';
    const body = { files: [], references: solutionRefs };
    const lines = JSON.stringify(body, null, 2).replace(/\{\n\s+"path": (".*")\n\s+\}/g, '{ "path": $1 }');
    writeFileSync(solutionPath, `${header}${lines}\n`);
  }
}

if (stale.length > 0) {
  if (check) {
    console.error(
      `TypeScript project references are out of date in:\n  ${stale.join('\n  ')}\n` +
        'Run `node tools/sync-references.mjs` (or `npm run build`, which runs it) and commit the result.',
    );
    process.exit(1);
  }
  console.log(`sync-references: updated ${stale.join(', ')}`);
}
