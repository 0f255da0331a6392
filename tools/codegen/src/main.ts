// npm run codegen            writes libs/client/schema.graphql, libs/client/src/generated/graphql.ts and
//                            libs/client/persisted-operations.json (the safelist)
// npm run codegen -- --check fails when the committed files differ from a fresh generation
import { generateClientFiles, staleFiles, writeFiles } from './codegen.js';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const files = await generateClientFiles();
  const stale = staleFiles(files);
  if (check) {
    if (stale.length === 0) {
      console.log('codegen: libs/client is up to date');
      return 0;
    }
    console.error(
      `codegen --check: stale generated files:\n  ${stale.join('\n  ')}\n` +
        '  see the difference: npm run codegen && git diff libs/client\n' +
        '  fix: npm run codegen (after npm run compose), then commit them',
    );
    return 1;
  }
  writeFiles(files);
  console.log(stale.length === 0 ? 'codegen: already up to date' : `codegen: wrote ${stale.join(', ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`codegen: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
