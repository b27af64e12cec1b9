#!/usr/bin/env node
// `efs-dr` entry point: everything lives in runCli so tests can call it in-process.
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
