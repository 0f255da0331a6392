// `npm run lint`: typescript-eslint's recommended rules, a few type-aware rules about promises, and
// Nx module boundaries on the tags of each project's package.json (`nx.tags`).
// The boundaries rule reads the project graph that Nx caches in .nx/: `npm run lint` refreshes it
// first (`nx show projects`); a bare `eslint .` on a fresh clone would skip the rule with a warning.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

const tsconfigRootDir = import.meta.dirname;

// Files that a project's own tsconfig.json builds (its src/ without specs, usually) are typed through
// the project service, which finds that tsconfig.json. Everything else (specs, fixtures, test folders,
// config files) is in no project tsconfig: it is typed through tsconfig.typecheck.json, which
// includes every .ts file of the workspace.
function filesBuiltByProjects() {
  const files = [];
  const projectDirs = ['gateway'];
  for (const parent of ['libs', 'services', 'tools']) {
    if (!existsSync(join(tsconfigRootDir, parent))) continue;
    for (const entry of readdirSync(join(tsconfigRootDir, parent), { withFileTypes: true })) {
      if (entry.isDirectory()) projectDirs.push(join(parent, entry.name));
    }
  }
  for (const dir of projectDirs) {
    const path = join(tsconfigRootDir, dir, 'tsconfig.json');
    if (!existsSync(path)) continue;
    const { config } = ts.readConfigFile(path, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config ?? {}, ts.sys, dirname(path));
    for (const file of parsed.fileNames) files.push(relative(tsconfigRootDir, file));
  }
  return files;
}

// The module boundaries between projects, from the tags in each package.json (`nx.tags`).
const moduleBoundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    // Kinds: an app (service, gateway) or a lib builds only on libs; tools (compose, codegen, seed,
    // dev runner, bench) may also load a service's entry points such as `@pdn/<service>/schema`.
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
    // Scopes: a service never imports another service (nor the gateway); shared libs stay shared.
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:shared', 'scope:client'] },
    { sourceTag: 'scope:members', onlyDependOnLibsWithTags: ['scope:shared', 'scope:members'] },
    { sourceTag: 'scope:calendar', onlyDependOnLibsWithTags: ['scope:shared', 'scope:calendar'] },
    { sourceTag: 'scope:feed', onlyDependOnLibsWithTags: ['scope:shared', 'scope:feed'] },
    { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway', 'scope:client'] },
  ],
};

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/coverage/',
    '.nx/',
    '.data/',
    'libs/client/src/generated/',
    'tools/bench/results/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },

  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.typecheck.json'], tsconfigRootDir },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: filesBuiltByProjects(),
    languageOptions: {
      parserOptions: { project: false, projectService: true, tsconfigRootDir },
    },
  },

  {
    files: ['**/*.ts', '**/*.{js,mjs,cjs}'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries] },
  },
  {
    // A spec may test its own project through the package's public entry (`@pdn/<name>`).
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', { ...moduleBoundaries, allowCircularSelfDependency: true }] },
  },
);
