#!/usr/bin/env node
// `efs-dr` entry point: everything lives in runCli so tests can call it in-process.
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // `pnpm efs-dr` runs in the efs-dr checkout; the script passes where the user typed it (pnpm's INIT_CWD),
  // so relative paths mean what they do in any other command.
  cwd: process.env.EFS_DR_CWD || process.cwd(),
  env: process.env,
});
