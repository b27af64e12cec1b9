// One build for every action: each `action-*/src/main.ts` becomes a committed `action-*/dist/index.js`.
// `--check` rebuilds into a temporary directory and fails if the committed bundle differs (stale dist/).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const actions = ['action-create', 'action-restore'];
const check = process.argv.includes('--check');
const root = new URL('..', import.meta.url).pathname;
const outRoot = check ? mkdtempSync(join(tmpdir(), 'efs-dr-dist-')) : root;

try {
  await build({
    entryPoints: Object.fromEntries(actions.map((a) => [`${a}/dist/index`, join(root, a, 'src/main.ts')])),
    outdir: outRoot,
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
  if (check) {
    const stale = actions.filter((a) => {
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
    console.log(`dist/ is current for ${actions.join(', ')}`);
  }
} finally {
  if (check) rmSync(outRoot, { recursive: true, force: true });
}
