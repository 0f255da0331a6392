#!/usr/bin/env node
// Bundles the coordinators' console (main.tsx: GraphiQL, React, the saved reports) into one JS and one
// CSS file under gateway/dist/console-assets/, with content hashes in their names and a manifest.json
// that the gateway reads to write the page. Everything the page loads is in these files: no CDN.
// `npm run build` runs it after `tsc -b`; it checks no types (`npm run typecheck` does).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', 'dist', 'console-assets');
const reportsDir = join(here, 'reports');

/** `import files from 'pdn:saved-reports'`: every reports/*.graphql as { file, text }. */
const savedReports = {
  name: 'pdn-saved-reports',
  setup(bundle) {
    bundle.onResolve({ filter: /^pdn:saved-reports$/ }, () => ({ path: 'saved-reports', namespace: 'pdn' }));
    bundle.onLoad({ filter: /.*/, namespace: 'pdn' }, () => {
      const files = readdirSync(reportsDir)
        .filter((file) => file.endsWith('.graphql'))
        .sort()
        .map((file) => ({ file, text: readFileSync(join(reportsDir, file), 'utf8') }));
      return {
        contents: `export default ${JSON.stringify(files)};`,
        loader: 'js',
        watchFiles: files.map(({ file }) => join(reportsDir, file)),
      };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: { console: join(here, 'main.tsx') },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome115', 'firefox115', 'safari16'],
  jsx: 'automatic',
  tsconfig: join(here, 'tsconfig.json'),
  // Workspace libs from their sources (session.ts takes its operations from @pdn/client's generated
  // documents), as the console's typecheck and tests see them: no dependency on their dist/.
  conditions: ['@pdn/source'],
  minify: true,
  sourcemap: 'linked',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  charset: 'utf8',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
  plugins: [savedReports],
});

const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === relative(process.cwd(), join(here, 'main.tsx')));
const [script, output] =
  entry ?? Object.entries(result.metafile.outputs).find(([path, o]) => path.endsWith('.js') && o.entryPoint) ?? [];
if (!script || !output?.cssBundle) throw new Error('console build: no script or stylesheet in the esbuild output');

const manifest = { script: basename(script), stylesheet: basename(output.cssBundle) };
writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`console: ${manifest.script}, ${manifest.stylesheet} in ${relative(process.cwd(), outdir)}`);
