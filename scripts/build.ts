// One build for every action: each `action-*/src/main.ts` becomes a committed `action-*/dist/index.js`, with
// the code only some modes need (the Kubernetes client, the AWS SDK, each mode's own module) split into
// `dist/chunks/`, loaded on first use: a step that never talks to a cluster does not parse 17 MB of client.
// `--check` rebuilds into a temporary directory and fails if the committed dist/ differs (stale dist/).
// Tests import `buildActionBundles` to build into a temporary directory (never racing the committed files).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

export const ACTIONS = ['action-create', 'action-restore'] as const;
const root = new URL('..', import.meta.url).pathname;

/**
 * Bundles `actions` to `<outRoot>/<action>/dist/index.js` plus `dist/chunks/` (outRoot: the repository root
 * by default). Each action's dist/ is emptied first, so no stale chunk survives.
 */
export async function buildActionBundles(
  options: { outRoot?: string; actions?: readonly string[] } = {},
): Promise<void> {
  const outRoot = options.outRoot ?? root;
  for (const action of options.actions ?? ACTIONS) {
    const outdir = join(outRoot, action, 'dist');
    rmSync(outdir, { recursive: true, force: true });
    await build({
      entryPoints: { index: join(root, action, 'src/main.ts') },
      outdir,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      // Dynamic import() of a mode or a heavy client becomes a chunk loaded only when that code runs.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      // Prefer a package's ESM build: a dynamic import() of a CommonJS module put in its own chunk would only
      // have a `default` export (sdk.EFSClient undefined). Only the AWS SDK and its @smithy parts change.
      mainFields: ['module', 'main'],
      legalComments: 'none',
      logLevel: 'warning',
      // CommonJS dependencies inside an ESM bundle call require(); give every output file one.
      banner: {
        js: "import { createRequire as __efsDrCreateRequire } from 'node:module';\nconst require = __efsDrCreateRequire(import.meta.url);",
      },
    });
  }
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const outRoot = check ? mkdtempSync(join(tmpdir(), 'efs-dr-dist-')) : root;
  try {
    await buildActionBundles({ outRoot });
    if (check) {
      const stale = ACTIONS.filter((a) => {
        const committed = join(root, a, 'dist');
        const fresh = join(outRoot, a, 'dist');
        const files = listFiles(fresh);
        return (
          files.join('\n') !== listFiles(committed).join('\n') ||
          files.some((f) => !readFileSync(join(committed, f)).equals(readFileSync(join(fresh, f))))
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
