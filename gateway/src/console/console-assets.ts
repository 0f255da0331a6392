import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console bundle written by gateway/console/build.mjs (`npm run build`). */
export interface ConsoleAssets {
  dir: string;
  /** File names in `dir`, with their content hash. */
  script: string;
  stylesheet: string;
}

/** gateway/dist/console-assets, whether this module runs from src/console (tests) or dist/console. */
export const DEFAULT_CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../dist/console-assets/', import.meta.url));

const HASHED_NAME = /^[\w-]+\.(js|css)$/;

/** Undefined when the bundle was not built. */
export function readConsoleAssets(dir: string = DEFAULT_CONSOLE_ASSETS_DIR): ConsoleAssets | undefined {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return undefined;
  const { script, stylesheet } = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<ConsoleAssets>;
  if (!script || !stylesheet || !HASHED_NAME.test(script) || !HASHED_NAME.test(stylesheet)) {
    throw new Error(`${manifestPath} does not name the console's script and stylesheet`);
  }
  return { dir, script, stylesheet };
}
