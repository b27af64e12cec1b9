// The README's commands work as written. Every ```sh block carries a marker in the HTML comment right
// above it, saying how it is covered:
//   <!-- readme-test -->                  run here, as written, from the repository root (bash -e); exit 0
//   <!-- readme-test: expect "TEXT" -->   the same, and its output contains TEXT
//   <!-- readme-test: flags -->           needs a cluster, a mount or minutes: not run; every efs-dr command
//                                         in it is checked against that command's option table (known flags,
//                                         required ones given) and every `pnpm X` is a script of package.json
//   <!-- demo-command -->                 `pnpm install && pnpm demo`: test/e2e/demo.test.ts runs the demo
//   <!-- test-command -->                 `pnpm test`: .ci/run extracts and runs exactly this line
// Also: the generated tables equal what scripts/readme-tables.ts writes, the request example is a valid
// request, and every relative link points at a file that exists.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands } from '../../packages/cli/src/commands.ts';
import { withGeneratedTables, withoutTablePadding } from '../../scripts/readme-tables.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const README = await readFile(join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

interface Block {
  lang: string;
  body: string;
  /** The HTML comment right above the fence (blank lines allowed), without `<!--`/`-->`. */
  marker: string | undefined;
  line: number;
}

function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    let j = i - 1;
    while (j >= 0 && (lines[j] ?? '').trim() === '') j--;
    const comment = /^<!--\s*(.*?)\s*-->$/.exec((lines[j] ?? '').trim());
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    blocks.push({ lang: open[1] ?? '', body: body.join('\n'), marker: comment?.[1], line: start + 1 });
  }
  return blocks;
}

const blocks = fencedBlocks(README);
const shell = blocks.filter((b) => b.lang === 'sh' || b.lang === 'bash');
const byMarker = (pattern: RegExp) => shell.filter((b) => pattern.test(b.marker ?? ''));
const label = (b: Block) => `README.md:${b.line}: ${b.body.split('\n')[0]}`;

describe('README shell blocks', () => {
  it('each says how it is covered', () => {
    const known = /^(readme-test(: (flags|expect ".*"))?|demo-command|test-command)$/;
    expect(shell.filter((b) => !known.test(b.marker ?? '')).map(label)).toEqual([]);
    expect(byMarker(/^readme-test/).length).toBeGreaterThanOrEqual(4);
  });

  it('the first screen has exactly the two commands', () => {
    const firstScreen = README.slice(0, README.indexOf('\n## '));
    const commandsThere = fencedBlocks(firstScreen).filter((b) => b.lang === 'sh');
    expect(commandsThere.map((b) => [b.marker, b.body])).toEqual([
      ['demo-command', 'pnpm install && pnpm demo'],
      ['test-command', 'pnpm test'],
    ]);
    // What test/e2e/demo.test.ts runs is what `pnpm demo` runs.
    expect(PACKAGE.scripts.demo).toBe('node test/demo/main.ts');
  });

  it('.ci/run runs the test command from the README', async () => {
    const ci = await readFile(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toContain("awk '/<!-- test-command -->/");
    expect(ci).toMatch(/eval "\$test_command"/);
  });

  it.each(byMarker(/^readme-test(: expect|$)/).map((b) => [label(b), b] as const))(
    'runs: %s',
    async (_name, block) => {
      const expected = /^readme-test: expect "(.*)"$/.exec(block.marker ?? '')?.[1]?.replace(/\\"/g, '"');
      // Scratch directories the block makes (mktemp -d) go to a temporary TMPDIR removed afterwards.
      const scratch = await mkdtemp(join(tmpdir(), 'readme-block-'));
      const { stdout, stderr } = await run('bash', ['-e', '-o', 'pipefail', '-c', block.body], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', TMPDIR: scratch },
        maxBuffer: 32 * 1024 * 1024,
        timeout: 60_000,
      })
        .catch((error: { code?: number; stdout?: string; stderr?: string }) => {
          throw new Error(`exit ${error.code}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
        })
        .finally(() => rm(scratch, { recursive: true, force: true }));
      if (expected !== undefined) expect(`${stdout}\n${stderr}`).toContain(expected);
    },
  );

  it.each(byMarker(/^readme-test: flags$/).map((b) => [label(b), b] as const))(
    'flags are valid: %s',
    async (_name, block) => {
      const problems: string[] = [];
      let checked = 0;
      const logical = block.body.replace(/\\\n\s*/g, ' ').split('\n');
      for (const line of logical) {
        const words = line.trim().split(/\s+/).filter(Boolean);
        const script = words[0] === 'pnpm' ? words[1] : undefined;
        const cli = words.findIndex((w) => w === 'efs-dr' || w.endsWith('packages/cli/src/main.ts'));
        if (cli >= 0) {
          const name = words[cli + 1] ?? '';
          const entry = commands[name];
          if (!entry) {
            problems.push(`${line}: no command '${name}'`);
            continue;
          }
          const options = (await entry.load()).options;
          const given = words.slice(cli + 2).filter((w) => w.startsWith('--'));
          for (const flag of given) {
            if (!(flag.slice(2) in options) && flag !== '--help')
              problems.push(`${line}: unknown flag ${flag}`);
          }
          for (const [option, spec] of Object.entries(options)) {
            if (spec.required && !given.includes(`--${option}`))
              problems.push(`${line}: --${option} is required`);
          }
          checked++;
        } else if (script !== undefined) {
          if (!(script in PACKAGE.scripts)) problems.push(`${line}: package.json has no script '${script}'`);
          checked++;
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    },
  );
});

describe('README content', () => {
  it('has the generated tables exactly as scripts/readme-tables.ts writes them (pnpm readme-tables)', async () => {
    const generated = await withGeneratedTables(README, ROOT);
    expect(withoutTablePadding(generated), 'stale README tables: run pnpm readme-tables').toBe(
      withoutTablePadding(README),
    );
  });

  it('documents every input and output of both actions', async () => {
    for (const action of ['action-create', 'action-restore']) {
      const yml = await readFile(join(ROOT, action, 'action.yml'), 'utf8');
      const section = README.slice(
        README.indexOf(`<!-- inputs:${action} -->`),
        README.indexOf(`<!-- /outputs:${action} -->`),
      );
      const names = [...yml.matchAll(/^ {2}([a-z][a-z0-9-]*):\s*$/gm)].map((m) => m[1]);
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) expect(section).toMatch(new RegExp(`\\| \`${name}\` +\\|`));
    }
  });

  it('its request example is a valid request, planned as one volume', async () => {
    const example = blocks.find((b) => b.lang === 'yaml' && b.body.includes('kind: VolumeRequest'));
    expect(example).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'readme-request-'));
    try {
      await writeFile(join(dir, 'warehouse.yaml'), example?.body ?? '');
      const { stdout } = await run(
        process.execPath,
        [join(ROOT, 'packages/cli/src/main.ts'), 'plan', '--requests', dir, '--json'],
        { cwd: ROOT },
      );
      const plan = JSON.parse(stdout) as {
        ok: boolean;
        volumes: { action: string; volume: { pvName: string } }[];
      };
      expect(plan.ok).toBe(true);
      expect(plan.volumes.map((v) => [v.action, v.volume.pvName])).toEqual([
        ['create', 'sales.warehouse.warehouse-dev.warehouse-store'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('links only to files that exist', () => {
    const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1] ?? '')
      .filter((l) => !/^(https?:|mailto:|#)/.test(l))
      .map((l) => l.replace(/#.*$/, ''));
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !existsSync(join(ROOT, l)))).toEqual([]);
  });

  it('links to sections that exist', () => {
    const anchors = new Set(
      [...README.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const used = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? '');
    expect(used.filter((a) => !anchors.has(a))).toEqual([]);
  });
});
