// Minimal demo until the full story (provision, then fail over on the emulators) lands: plan the original's
// three sample apps (warehouse, point-of-sale, shipping of business unit sales) with the example config.
import { runCli } from '../../packages/cli/src/cli.ts';

const root = new URL('../..', import.meta.url).pathname;
process.stdout.write('efs-dr demo: plan the three sample apps of examples/requests/\n\n');
process.exitCode = await runCli(
  ['plan', '--requests', 'examples/requests', '--config', 'examples/efs-dr.yaml'],
  {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: root,
    env: process.env,
  },
);
