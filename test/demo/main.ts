// `pnpm demo` (= node test/demo/main.ts): provision three volumes from a pull request, then fail over to a
// second region, on loopback stand-ins. See demo.ts for the story and README.md for the options.
//   pnpm demo [--dir DIR] [--keep-running]
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LAYOUT, PRIMARY_CLUSTER, SECONDARY_CLUSTER } from './names.ts';
import { formatDuration, Printer } from './terminal.ts';

const USAGE = `Usage: pnpm demo [--dir DIR] [--keep-running] [--bundles DIR]

Runs efs-dr's story end to end on loopback stand-ins (two Kubernetes API emulators, the GitHub API over a
bare git repository, the EFS API, two directories standing for the file systems), through the real bundled
actions. Exits 0 only if every check holds.

  --dir DIR        Leave everything here (default .demo/<timestamp>/ in the repository).
  --keep-running   Keep the stand-ins up after the story, until Ctrl-C, so kubectl and git commands work.
  --bundles DIR    Run DIR/action-create/dist/index.js and DIR/action-restore/dist/index.js instead of the
                   committed bundles (to try a build of your changes without committing dist/).
  -h, --help       Show this help.
`;

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
let values: { dir?: string; 'keep-running'?: boolean; bundles?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      dir: { type: 'string' },
      'keep-running': { type: 'boolean' },
      bundles: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
// pnpm runs scripts from the repository root; INIT_CWD is where the user typed the command.
const dir = values.dir
  ? resolve(process.env.INIT_CWD ?? process.cwd(), values.dir)
  : join(root, '.demo', stamp);
const printer = new Printer(process.stdout, process.env);
const s = printer.style;

// Everything started is closed on the way out, on Ctrl-C and on SIGTERM.
const closers: (() => Promise<void>)[] = [];
let closing: Promise<void> | undefined;
function shutdown(): Promise<void> {
  closing ??= (async () => {
    killOwnChildren();
    await Promise.allSettled(closers.splice(0).map((c) => c()));
  })();
  return closing;
}

/** Children this process started (action runs, git, kubectl), by their pid. */
function killOwnChildren(): void {
  const found = spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' });
  for (const pid of (found.stdout ?? '').split('\n').filter(Boolean).map(Number)) {
    if (pid === found.pid) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

let interrupted = false;
let releaseWait: (() => void) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (releaseWait) {
      releaseWait();
      return;
    }
    if (interrupted) process.exit(130);
    interrupted = true;
    printer.line();
    printer.line(s.yellow(`${signal}: stopping the stand-ins…`));
    void shutdown().then(() => {
      printer.line(`Stopped. What was made so far is in ${dir}`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  });
}

let exitCode = 1;
try {
  // Loaded only now, so --help and usage errors answer at once.
  const { runDemo } = await import('./demo.ts');
  const result = await runDemo({
    root,
    dir,
    printer,
    track: (close) => closers.push(close),
    ...(values.bundles
      ? { bundlesRoot: resolve(process.env.INIT_CWD ?? process.cwd(), values.bundles) }
      : {}),
  });
  const failures = result.checks.failures;
  printer.line();
  if (failures.length === 0) {
    printer.line(
      s.green(
        s.bold(
          `All ${result.checks.all.length} checks hold (${formatDuration(result.durationMs)}). Everything is in ${dir}`,
        ),
      ),
    );
    exitCode = 0;
  } else {
    printer.line(s.red(s.bold(`${failures.length} of ${result.checks.all.length} checks failed:`)));
    for (const f of failures) printer.line(s.red(`  ✗ ${f.name}${f.detail ? `: ${f.detail}` : ''}`));
    printer.line(`What was made is in ${dir} (runs/*.log hold each action's log).`);
  }
  if (result.standIns) {
    printer.line();
    printer.line(s.bold('Poke at it:'));
    const k = (file: string) => `kubectl --kubeconfig ${join(dir, file)}`;
    printer.lines(
      [
        `${k(LAYOUT.secondaryKubeconfig)} get pv,pvc -A          # ${SECONDARY_CLUSTER}`,
        `${k(LAYOUT.primaryKubeconfig)} get pv -o wide           # ${PRIMARY_CLUSTER}`,
        `git -C ${join(dir, LAYOUT.repo)} log --stat`,
        `git -C ${join(dir, LAYOUT.repo)} show main:manifests/${SECONDARY_CLUSTER}/sales/warehouse/warehouse-dev/warehouse-store.yaml`,
        `cat ${join(dir, LAYOUT.efsReplica, 'k8s-static-volumes/volumes-report.csv')}`,
        `ls ${join(dir, LAYOUT.runs)}    # each action's log, outputs and job summary`,
        ...(values.dir
          ? []
          : [`rm -rf ${join(root, '.demo')}    # every demo run's directory, when you are done`]),
      ],
      '  ',
    );
    if (values['keep-running'] && !interrupted) {
      printer.line();
      printer.line(
        s.bold('The stand-ins keep running (kubectl commands above work). Press Ctrl-C to stop them.'),
      );
      await new Promise<void>((resolve) => {
        releaseWait = resolve;
      });
      printer.line('Stopping the stand-ins. The files, the git repository and the logs stay.');
    } else {
      printer.note(
        'The stand-ins stopped with the demo, so kubectl cannot reach them now: run `pnpm demo --keep-running` to keep them up until Ctrl-C. The files, the git repository and the logs stay.',
      );
    }
  }
} catch (error) {
  printer.line(
    s.red(
      `The demo failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    ),
  );
  exitCode = 1;
} finally {
  await shutdown();
}
process.exitCode = exitCode;
// Keep-alive sockets of the clients can hold the event loop for a while; nothing is left to do.
setTimeout(() => process.exit(exitCode), 2000).unref();
