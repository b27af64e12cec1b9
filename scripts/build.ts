// One build for every action: each `action-*/src/main.ts` becomes a committed `action-*/dist/index.js`.
// `--check` rebuilds into a temporary directory and fails if the committed bundle differs (stale dist/).
// Tests import `buildActionBundles` to build into a temporary directory (never racing the committed files).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export const ACTIONS = ['action-create', 'action-restore'] as const;
const root = new URL('..', import.meta.url).pathname;

/** Bundles `actions` to `<outRoot>/<action>/dist/index.js` (outRoot: the repository root by default). */
export async function buildActionBundles(
  options: { outRoot?: string; actions?: readonly string[] } = {},
): Promise<void> {
  const actions = options.actions ?? ACTIONS;
  await build({
    entryPoints: Object.fromEntries(actions.map((a) => [`${a}/dist/index`, join(root, a, 'src/main.ts')])),
    outdir: options.outRoot ?? root,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    splitting: false,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies inside an ESM bundle call require(); give them one.
    banner: {
      js: "import { createRequire as __efsDrCreateRequire } from 'node:module';\nconst require = __efsDrCreateRequire(import.meta.url);",
    },
  });
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const outRoot = check ? mkdtempSync(join(tmpdir(), 'efs-dr-dist-')) : root;
  try {
    await buildActionBundles({ outRoot });
    if (check) {
      const stale = ACTIONS.filter((a) => {
        const committed = join(root, a, 'dist/index.js');
        return (
          !existsSync(committed) ||
          !readFileSync(committed).equals(readFileSync(join(outRoot, a, 'dist/index.js')))
        );
      });
      if (stale.length) {
        console.error(`dist/ is stale for ${stale.join(', ')}: run 'pnpm build' and commit the result.`);
        process.exit(1);
      }
      console.log(`dist/ is current for ${ACTIONS.join(', ')}`);
    }
  } finally {
    if (check) rmSync(outRoot, { recursive: true, force: true });
  }
}
