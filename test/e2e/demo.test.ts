// `pnpm demo` as a person runs it: a child process (node test/demo/main.ts, what the script runs), the
// committed bundles, the stand-ins on loopback. It must exit 0 with every check holding, print what the
// README promises, leave everything in the directory it names, and leave no process or server behind,
// also when interrupted with Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'test/demo/main.ts');
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startDemo(args: string[]): { child: ChildProcess; done: Promise<DemoRun>; output: () => string } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<DemoRun>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => stdout };
}

/** Processes whose working directory is inside `dir` (the action runs' cwd is a checkout there). Linux /proc. */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd.startsWith(dir))
      found.push(
        `${pid} ${(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ')}`,
      );
  }
  return found;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const portsIn = (text: string): number[] => [
  ...new Set([...text.matchAll(/https?:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]))),
];

describe('pnpm demo', () => {
  it('tells the whole story, every check holds, and it leaves everything in the directory it names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'efs-dr-demo-'));
    dirs.push(dir);
    const run = await startDemo(['--dir', dir]).done;
    const out = run.stdout;
    expect(run.stderr).toBe('');
    expect(out).toMatch(/All \d+ checks hold/);
    expect(run.code).toBe(0);
    expect(out).not.toContain('✗');
    // No colours when stdout is not a terminal.
    expect(out).not.toContain('\u001b[');

    // The chapters, in order.
    const chapters = [...out.matchAll(/^\[(\d)\/6\] (.*)$/gm)].map((m) => m[1]);
    expect(chapters).toEqual(['1', '2', '3', '4', '5', '6']);
    // The plan comment as it renders: a row per volume, the folded manifests.
    expect(out).toMatch(/┃ .*sales\.warehouse\.warehouse-dev\.warehouse-store .*200Gi/);
    expect(out).toMatch(/┃ ▶ sales\.shipping\.shipping-dev\.shipping-dev \(folded: \d+ lines\)/);
    // The EFS tree, the report, git log.
    expect(out).toMatch(/└── \[drwxrwx--- \d+:\d+\] warehouse-store\//);
    expect(out).toContain('BUSINESS_UNIT,CLUSTER_NAME,APPLICATION_NAME,NAMESPACE,PVC_NAME,PVC_SIZE');
    expect(out).toMatch(
      /manifests\/rosa-primary\/sales\/warehouse\/warehouse-dev\/warehouse-store\.yaml|rosa-primary\/sales\/shipping/,
    );
    // The claims Bound on each cluster with its host.
    expect(out).toMatch(
      /warehouse-dev\s+warehouse-store\s+Bound\s+200Gi\s+\S+\s+fs-0123456789abcdef0\.efs\.us-east-1\.amazonaws\.com/,
    );
    expect(out).toMatch(
      /warehouse-dev\s+warehouse-store\s+Bound\s+200Gi\s+\S+\s+fs-0fedcba9876543210\.efs\.us-west-2\.amazonaws\.com/,
    );
    expect(out).toMatch(/LastReplicatedTimestamp \d{4}-\d\d-\d\dT/);
    expect(out).toContain('rosa-secondary: all three sample apps validated');
    // Copy-pasteable commands pointing into the directory.
    expect(out).toContain(`kubectl --kubeconfig ${dir}/secondary.kubeconfig get pv,pvc -A`);
    expect(out).toContain(`git -C ${dir}/repo.git log --stat`);
    expect(out).toContain('--keep-running');

    // What it names is there: kubeconfigs (0600), the repository with one commit per phase, the report.
    for (const f of ['primary.kubeconfig', 'secondary.kubeconfig', 'repo.git/HEAD', 'runs/plan-comment.md']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const report = await readFile(join(dir, 'efs-replica/k8s-static-volumes/volumes-report.csv'), 'utf8');
    expect(report.trim().split('\n')).toHaveLength(4);
    expect(report).toContain(',fs-0fedcba9876543210.efs.us-west-2.amazonaws.com,');

    // Nothing left running: no process working in the directory, no server answering.
    expect(await processesIn(dir)).toEqual([]);
    const ports = portsIn(out);
    expect(ports.length).toBe(4);
    for (const port of ports) expect(await portOpen(port), `port ${port}`).toBe(false);
  }, 120_000);

  it('on Ctrl-C stops its servers and children and says where things are', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'efs-dr-demo-int-'));
    dirs.push(dir);
    const demo = startDemo(['--dir', dir]);
    // Interrupt once the stand-ins are up and the first action is running.
    const deadline = Date.now() + 30_000;
    while (!/action-create, mode plan/.test(demo.output()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const ports = portsIn(demo.output());
    expect(ports.length).toBe(4);
    demo.child.kill('SIGINT');
    const run = await demo.done;
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('SIGINT: stopping the stand-ins');
    expect(run.stdout).toContain(`What was made so far is in ${dir}`);
    expect(await processesIn(dir)).toEqual([]);
    for (const port of ports) expect(await portOpen(port), `port ${port}`).toBe(false);
    // The interrupted action run's directory (RUNNER_TEMP, file commands) is in the demo's, not in /tmp.
    expect((await readdir(join(dir, 'runs'))).filter((n) => n.startsWith('runner-harness-'))).toHaveLength(1);
  }, 60_000);

  it('--help explains the options; an unknown option is a usage error', async () => {
    const help = await startDemo(['--help']).done;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--keep-running');
    const bad = await startDemo(['--nope']).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--nope'");
  });
});
