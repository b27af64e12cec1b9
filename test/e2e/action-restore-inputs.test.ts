// action-restore's inputs (unit level, no runner): defaults as action.yml declares them, every mistake named
// with the input and the value, all mistakes at once, secrets masked before anything can be printed.
import { readFile } from 'node:fs/promises';
import { UserError } from '@efs-dr/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readInputs } from '../../action-restore/src/inputs.ts';

const actionYml = parse(
  await readFile(new URL('../../action-restore/action.yml', import.meta.url), 'utf8'),
) as {
  inputs: Record<string, { default?: string }>;
};
const KUBECONFIG = `apiVersion: v1
kind: Config
users:
  - name: u
    user:
      token: sekret-token-0123456789
`;

/** Inputs as the runner passes them: action.yml defaults, then the workflow's `with:`. */
function reader(given: Record<string, string>) {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    values[name] = spec.default === `$\{{ github.token }}` ? 'gh-token-abcdef' : (spec.default ?? '');
  }
  Object.assign(values, given);
  return (name: string) => values[name] ?? '';
}

const required = {
  kubeconfig: KUBECONFIG,
  'target-cluster': 'rosa-secondary',
  'target-efs-host': 'fs-0fedcba9876543210.efs.us-west-2.amazonaws.com',
};

function mistakes(given: Record<string, string>): string {
  try {
    readInputs(reader({ ...required, ...given }), '/work', () => {});
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
  return '';
}

describe('action-restore inputs', () => {
  it('reads the defaults of action.yml into a typed object', () => {
    expect(readInputs(reader(required), '/work', () => {})).toEqual({
      kubeconfig: KUBECONFIG,
      kubeContext: undefined,
      targetCluster: 'rosa-secondary',
      targetEfsHost: 'fs-0fedcba9876543210.efs.us-west-2.amazonaws.com',
      sourceEfsHost: undefined,
      sourceCluster: undefined,
      workingDirectory: '/work',
      manifestsDir: undefined,
      businessUnit: undefined,
      application: undefined,
      namespace: undefined,
      dryRun: false,
      replaceExisting: false,
      concurrency: 64,
      qps: 200,
      waitTimeoutSeconds: 600,
      stopReplication: false,
      deletionMode: 'ALL_CONFIGURATIONS',
      awsRegion: undefined,
      efsMountPath: undefined,
      mount: false,
      allowUnmounted: false,
      commit: true,
      githubToken: 'gh-token-abcdef',
    });
  });

  it('masks the token and the kubeconfig (whole and its credential values) before validating anything', () => {
    const masked: string[] = [];
    expect(() =>
      readInputs(reader({ kubeconfig: KUBECONFIG, 'target-cluster': 'Bad_Name' }), '/w', (s) =>
        masked.push(s),
      ),
    ).toThrow(UserError);
    expect(masked).toEqual(
      expect.arrayContaining(['gh-token-abcdef', KUBECONFIG.trim(), 'sekret-token-0123456789']),
    );
  });

  it.each([
    [{ kubeconfig: '' }, /Input 'kubeconfig' not supplied/],
    [{ 'target-cluster': '' }, /Input 'target-cluster' not supplied/],
    [{ 'target-cluster': 'Rosa_2' }, /Input 'target-cluster' must be a lowercase DNS label .* got "Rosa_2"/],
    [
      { 'source-cluster': 'rosa-secondary' },
      /'source-cluster' and 'target-cluster' are both "rosa-secondary"/,
    ],
    [{ 'target-efs-host': '' }, /Input 'target-efs-host' not supplied/],
    [{ 'target-efs-host': 'http://fs-1.example' }, /Input 'target-efs-host': /],
    [{ 'dry-run': 'yes' }, /Input 'dry-run' must be true or false, got "yes"/],
    [{ concurrency: '0' }, /Input 'concurrency' must be a whole number from 1 to 1000, got "0"/],
    [{ qps: '-1' }, /Input 'qps' must be a whole number from 0 to 100000, got "-1"/],
    [{ 'wait-timeout': '1.5' }, /Input 'wait-timeout' must be a whole number/],
    [
      { 'replication-deletion-mode': 'ALL' },
      /must be ALL_CONFIGURATIONS or LOCAL_CONFIGURATION_ONLY, got "ALL"/,
    ],
    [{ 'aws-region': 'west' }, /Input 'aws-region' must be an AWS region such as us-west-2/],
    [
      { 'manifests-dir': '../elsewhere' },
      /Input 'manifests-dir' must be a directory relative to the repository/,
    ],
    [{ 'github-token': '' }, /Input 'github-token' not supplied: the restored manifests are committed/],
    [
      { 'stop-replication': 'true', 'target-efs-host': 'nfs.internal.example.com' },
      /'stop-replication' needs the replica's region and file system id/,
    ],
  ])('%o is refused with a message naming the input', (given, message) => {
    expect(mistakes(given)).toMatch(message);
  });

  it('accepts what a valid failover workflow passes', () => {
    expect(mistakes({ 'github-token': '', commit: 'false' })).toBe('');
    expect(mistakes({ 'github-token': '', 'dry-run': 'true' })).toBe('');
    expect(
      mistakes({
        'stop-replication': 'true',
        'target-efs-host': 'nfs.example.com',
        'aws-region': 'us-west-2',
      }),
    ).toBe('');
    const inputs = readInputs(
      reader({
        ...required,
        'business-unit': 'sales',
        namespace: '*',
        'efs-mount-path': 'mnt/efs',
        'working-directory': 'repo',
      }),
      '/work',
      () => {},
    );
    expect(inputs).toMatchObject({
      businessUnit: 'sales',
      namespace: undefined,
      efsMountPath: '/work/mnt/efs',
      workingDirectory: '/work/repo',
    });
  });

  it('lists every mistake at once', () => {
    const message = mistakes({ 'target-cluster': '', 'dry-run': 'maybe', concurrency: 'many' });
    expect(message).toMatch(/^3 input mistakes:\n- /);
  });
});
