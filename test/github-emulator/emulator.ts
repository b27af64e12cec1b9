/**
 * The GitHub REST API emulator: the endpoints efs-dr calls, served on 127.0.0.1 over a real bare git
 * repository. See README.md beside this file for what it covers and what it does not.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareRepo, type CommitObject, type DiffEntry, type GitIdentity, ZERO_SHA } from './git.ts';
import { ApiError, notFound, paginate, validationFailed } from './http.ts';
import { buildTree } from './tree-builder.ts';

export type Access = 'none' | 'read' | 'write';

/** What a token may do, modelled on a GitHub App installation token's permissions. */
export interface TokenPermissions {
  /** Git data, refs, compare, commits. */
  contents: Access;
  /** Pull requests and their (issue) comments. */
  pullRequests: Access;
}

export interface TokenGrant {
  token: string;
  /** The identity that comments and default commit authorship are attributed to. */
  login: string;
  permissions: TokenPermissions;
}

export interface GitHubEmulatorOptions {
  /** Repository owner and name served (`/repos/{owner}/{repo}/…`, case-insensitive like GitHub). */
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** The main token (full access). Generated at random when omitted: read it back from `emulator.token`. */
  token?: string;
  /** Login of the main token; GITHUB_TOKEN acts as `github-actions[bot]`. */
  login?: string;
  /** Further tokens, e.g. a read-only one to prove a job never writes. */
  extraTokens?: TokenGrant[];
  /** Where the bare repository goes; a fresh temp dir (removed on close) by default. */
  gitDir?: string;
  /** `html_url` base in responses (never fetched). Defaults to the emulator's own URL. */
  serverUrl?: string;
}

export interface RequestLogEntry {
  method: string;
  /** Decoded path without the query, e.g. `/repos/o/r/git/ref/heads/main` (Octokit sends `heads%2Fmain`). */
  path: string;
  query: Record<string, string>;
  status: number;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  durationMs: number;
  /** Parsed JSON request body, when there was one. */
  body?: unknown;
}

/**
 * A one-shot (or `times`-shot) disturbance for the next matching request. With `status`, the request is
 * answered with that status (and `body`/`headers`) instead of being handled, e.g. a 502 or a secondary rate
 * limit. With `afterHandled`, the request is handled normally and the hook runs before the response is
 * sent, e.g. to move a branch right after a client read it.
 */
export interface GitHubFault {
  method?: string;
  /** Exact path (`/repos/o/r/git/ref/heads/main`) or a pattern tested against the path. */
  path?: string | RegExp;
  /** How many matching requests it affects; 1 by default. */
  times?: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  afterHandled?: (emulator: GitHubEmulator) => void | Promise<void>;
}

export interface PullRequestRecord {
  number: number;
  title: string;
  body: string;
  headRef: string;
  baseRef: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | undefined;
  mergeCommitSha: string | undefined;
  /** Frozen once merged or closed; read from the branches while open. */
  frozenHeadSha: string | undefined;
  frozenBaseSha: string | undefined;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface IssueCommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface GitHubEmulator {
  /** Base URL for Octokit's `baseUrl` and the runner's GITHUB_API_URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly serverUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  /** The main token (full access). */
  readonly token: string;
  /** Path of the bare repository, for `git --git-dir=… log`. */
  readonly gitDir: string;
  /** Every request, in arrival order. Mutable: tests may clear it (`requests.length = 0`). */
  readonly requests: RequestLogEntry[];
  /** Runs git against the bare repository and returns stdout (e.g. `['log', '--format=%s', 'main']`). */
  git(args: string[]): Promise<string>;
  /**
   * Commits files on top of `branch` (creating the branch from `from`, or as a root commit, when missing)
   * as a push would; `null` deletes a path. Returns the new commit sha.
   */
  commit(options: {
    branch?: string;
    files: Record<string, string | null>;
    message?: string;
    from?: string;
    author?: GitIdentity;
  }): Promise<string>;
  /** Seeds the default branch with files (a commit on top of whatever is there). */
  seed(files: Record<string, string>, message?: string): Promise<string>;
  createBranch(name: string, from: string): Promise<string>;
  /** Points a branch at any commit (a force push), e.g. to simulate a concurrent writer. */
  moveBranch(name: string, sha: string): Promise<void>;
  /** The sha a branch points at, or undefined. */
  branchSha(name: string): Promise<string | undefined>;
  /** A file's content at a revision, or undefined when absent. */
  readFile(rev: string, path: string): Promise<string | undefined>;
  createPullRequest(options: {
    head: string;
    base?: string;
    title?: string;
    body?: string;
    number?: number;
    user?: string;
  }): Promise<PullRequestRecord>;
  /** Merges like the merge button: a merge commit (default) or a squash commit on the base branch. */
  mergePullRequest(
    number: number,
    options?: { method?: 'merge' | 'squash'; message?: string },
  ): Promise<string>;
  pullRequest(number: number): PullRequestRecord | undefined;
  /** Comments on an issue or PR, oldest first. */
  comments(issueNumber: number): IssueCommentRecord[];
  /** Adds a comment as someone else (a reviewer), bypassing the API. */
  addComment(issueNumber: number, body: string, user?: string): IssueCommentRecord;
  injectFault(fault: GitHubFault): void;
  close(): Promise<void>;
}

interface RouteContext {
  url: URL;
  params: string[];
  body: unknown;
  grant: TokenGrant;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  pattern: RegExp;
  scope: keyof TokenPermissions;
  access: 'read' | 'write';
  handle: (ctx: RouteContext) => Promise<Reply>;
}

const COMMENT_MAX = 65_536;
const COMPARE_FILES_MAX = 300;
const PULL_FILES_MAX = 3000;

export async function startGitHubEmulator(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  const ownedDir =
    options.gitDir === undefined ? await mkdtemp(join(tmpdir(), 'github-emulator-')) : undefined;
  const gitDir = options.gitDir ?? join(ownedDir as string, 'repo.git');
  const defaultBranch = options.defaultBranch ?? 'main';
  const repo = await BareRepo.init(gitDir, defaultBranch);
  const emulator = new Emulator(repo, options, defaultBranch, ownedDir);
  await emulator.listen();
  return emulator;
}

class Emulator implements GitHubEmulator {
  url = '';
  serverUrl = '';
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly token: string;
  readonly gitDir: string;
  readonly requests: RequestLogEntry[] = [];

  private readonly git_: BareRepo;
  private readonly grants = new Map<string, TokenGrant>();
  private readonly pulls = new Map<number, PullRequestRecord>();
  private readonly issueComments: IssueCommentRecord[] = [];
  private readonly faults: Array<GitHubFault & { remaining: number }> = [];
  /** Commits created through the API without a custom committer: GitHub signs those (verified). */
  private readonly signedCommits = new Set<string>();
  private readonly routes: Route[];
  private readonly server: Server;
  private readonly ownedDir: string | undefined;
  private readonly explicitServerUrl: string | undefined;
  private nextIssueNumber = 1;
  private nextCommentId = 1_000_000_001;
  private readonly mainLogin: string;

  constructor(
    repo: BareRepo,
    options: GitHubEmulatorOptions,
    defaultBranch: string,
    ownedDir: string | undefined,
  ) {
    this.git_ = repo;
    this.gitDir = repo.dir;
    this.owner = options.owner ?? 'octo-org';
    this.repo = options.repo ?? 'volume-requests';
    this.defaultBranch = defaultBranch;
    this.token = options.token ?? `emulator_${randomBytes(18).toString('hex')}`;
    this.mainLogin = options.login ?? 'github-actions[bot]';
    this.grants.set(this.token, {
      token: this.token,
      login: this.mainLogin,
      permissions: { contents: 'write', pullRequests: 'write' },
    });
    for (const grant of options.extraTokens ?? []) this.grants.set(grant.token, grant);
    this.ownedDir = ownedDir;
    this.explicitServerUrl = options.serverUrl;
    this.routes = this.buildRoutes();
    this.server = createServer((req, res) => {
      void this.dispatch(req, res);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.serverUrl = this.explicitServerUrl ?? this.url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownedDir) await rm(this.ownedDir, { recursive: true, force: true });
  }

  // ── test helpers ────────────────────────────────────────────────────────────────────────────────────

  git(args: string[]): Promise<string> {
    return this.git_.run(args);
  }

  async commit(options: {
    branch?: string;
    files: Record<string, string | null>;
    message?: string;
    from?: string;
    author?: GitIdentity;
  }): Promise<string> {
    const branch = options.branch ?? this.defaultBranch;
    const ref = `refs/heads/${branch}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.git_.refSha(ref);
      const parent = current ?? (options.from ? await this.git_.resolveCommit(options.from) : undefined);
      if (options.from && !current && !parent) throw new Error(`commit: unknown revision ${options.from}`);
      const baseTree = parent ? (await this.git_.readCommit(parent))?.tree : undefined;
      const entries = Object.entries(options.files).map(([path, content]) =>
        content === null
          ? { path, mode: '100644', type: 'blob', sha: null }
          : { path, mode: '100644', type: 'blob', content },
      );
      const tree = await buildTree(this.git_, entries, baseTree);
      const author = options.author ?? { name: 'Test Developer', email: 'developer@example.com' };
      const sha = await this.git_.commitTree({
        tree,
        parents: parent ? [parent] : [],
        message: options.message ?? 'Update files',
        author,
        committer: author,
      });
      if (await this.git_.updateRef(ref, sha, current ?? ZERO_SHA)) return sha;
    }
    throw new Error(`commit: ${branch} kept moving`);
  }

  seed(files: Record<string, string>, message = 'Initial commit'): Promise<string> {
    return this.commit({ files, message });
  }

  async createBranch(name: string, from: string): Promise<string> {
    const sha = await this.git_.resolveCommit(from);
    if (!sha) throw new Error(`createBranch: unknown revision ${from}`);
    if (!(await this.git_.updateRef(`refs/heads/${name}`, sha, ZERO_SHA))) {
      throw new Error(`createBranch: ${name} already exists`);
    }
    return sha;
  }

  async moveBranch(name: string, sha: string): Promise<void> {
    await this.git_.run(['update-ref', `refs/heads/${name}`, sha]);
  }

  branchSha(name: string): Promise<string | undefined> {
    return this.git_.refSha(`refs/heads/${name}`);
  }

  async readFile(rev: string, path: string): Promise<string | undefined> {
    const sha = await this.git_.resolveCommit(rev);
    if (!sha) return undefined;
    const { stdout, code } = await this.git_.exec(['cat-file', 'blob', `${sha}:${path}`], { okCodes: [128] });
    return code === 0 ? stdout.toString('utf8') : undefined;
  }

  async createPullRequest(options: {
    head: string;
    base?: string;
    title?: string;
    body?: string;
    number?: number;
    user?: string;
  }): Promise<PullRequestRecord> {
    const base = options.base ?? this.defaultBranch;
    if (!(await this.branchSha(options.head)))
      throw new Error(`createPullRequest: no branch ${options.head}`);
    if (!(await this.branchSha(base))) throw new Error(`createPullRequest: no branch ${base}`);
    const number = options.number ?? this.nextIssueNumber;
    if (this.pulls.has(number)) throw new Error(`createPullRequest: #${number} exists`);
    this.nextIssueNumber = Math.max(this.nextIssueNumber, number + 1);
    const now = new Date().toISOString();
    const pr: PullRequestRecord = {
      number,
      title: options.title ?? `Update ${options.head}`,
      body: options.body ?? '',
      headRef: options.head,
      baseRef: base,
      state: 'open',
      merged: false,
      mergedAt: undefined,
      mergeCommitSha: undefined,
      frozenHeadSha: undefined,
      frozenBaseSha: undefined,
      user: options.user ?? 'octocat',
      createdAt: now,
      updatedAt: now,
    };
    this.pulls.set(number, pr);
    return pr;
  }

  async mergePullRequest(
    number: number,
    options: { method?: 'merge' | 'squash'; message?: string } = {},
  ): Promise<string> {
    const pr = this.pulls.get(number);
    if (pr?.state !== 'open') throw new Error(`mergePullRequest: #${number} is not open`);
    const baseRef = `refs/heads/${pr.baseRef}`;
    const baseSha = await this.git_.refSha(baseRef);
    const headSha = await this.git_.refSha(`refs/heads/${pr.headRef}`);
    if (!baseSha || !headSha) throw new Error(`mergePullRequest: #${number} lost a branch`);
    const tree = await this.git_.mergeTrees(baseSha, headSha);
    if (!tree) throw new Error(`mergePullRequest: #${number} has conflicts`);
    const method = options.method ?? 'merge';
    const identity = { name: pr.user, email: `${pr.user}@users.noreply.example.com` };
    const sha = await this.git_.commitTree({
      tree,
      parents: method === 'merge' ? [baseSha, headSha] : [baseSha],
      message:
        options.message ??
        (method === 'merge'
          ? `Merge pull request #${number} from ${this.owner}/${pr.headRef}\n\n${pr.title}\n`
          : `${pr.title} (#${number})\n`),
      author: identity,
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    });
    if (!(await this.git_.updateRef(baseRef, sha, baseSha))) {
      throw new Error(`mergePullRequest: ${pr.baseRef} moved during the merge`);
    }
    this.signedCommits.add(sha);
    const now = new Date().toISOString();
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      mergedAt: now,
      updatedAt: now,
      mergeCommitSha: sha,
      frozenHeadSha: headSha,
      frozenBaseSha: baseSha,
    });
    return sha;
  }

  pullRequest(number: number): PullRequestRecord | undefined {
    return this.pulls.get(number);
  }

  comments(issueNumber: number): IssueCommentRecord[] {
    return this.issueComments.filter((c) => c.issueNumber === issueNumber).map((c) => ({ ...c }));
  }

  addComment(issueNumber: number, body: string, user = 'reviewer'): IssueCommentRecord {
    const now = new Date().toISOString();
    const comment = { id: this.nextCommentId++, issueNumber, body, user, createdAt: now, updatedAt: now };
    this.issueComments.push(comment);
    return { ...comment };
  }

  injectFault(fault: GitHubFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────────────

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = decodePath(url.pathname);
    const entry: RequestLogEntry = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      time: started,
      durationMs: 0,
    };
    this.requests.push(entry);
    let reply: Reply;
    let after: GitHubFault['afterHandled'];
    try {
      const raw = await readBody(req);
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new ApiError(400, 'Problems parsing JSON');
        }
        entry.body = body;
      }
      const grant = this.authenticate(req);
      const fault = this.takeFault(method, path);
      if (fault?.status !== undefined) {
        reply = {
          status: fault.status,
          body: fault.body ?? {
            message: 'Injected fault',
            documentation_url: 'https://docs.github.com/rest',
          },
          headers: fault.headers ?? {},
        };
      } else {
        after = fault?.afterHandled;
        reply = await this.route(method, url, body, grant);
      }
    } catch (error) {
      reply = errorReply(error);
    }
    if (after) await after(this);
    entry.status = reply.status;
    entry.durationMs = Date.now() - started;
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-resource': 'core',
      'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
      ...reply.headers,
    };
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const payload = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
    });
    res.end(payload);
  }

  private authenticate(req: IncomingMessage): TokenGrant {
    const header = req.headers.authorization;
    if (!header) throw new ApiError(401, 'Requires authentication');
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    const grant = match ? this.grants.get(match[1] as string) : undefined;
    if (!grant) throw new ApiError(401, 'Bad credentials');
    return grant;
  }

  private takeFault(method: string, path: string): GitHubFault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
    );
    if (index === -1) return undefined;
    const fault = this.faults[index] as GitHubFault & { remaining: number };
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private async route(method: string, url: URL, body: unknown, grant: TokenGrant): Promise<Reply> {
    const prefix = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!prefix) throw notFound();
    const [, owner = '', name = '', rest = ''] = prefix;
    if (
      decodeURIComponent(owner).toLowerCase() !== this.owner.toLowerCase() ||
      decodeURIComponent(name).toLowerCase() !== this.repo.toLowerCase()
    ) {
      throw notFound();
    }
    for (const route of this.routes) {
      const m = route.pattern.exec(rest);
      if (!m || route.method !== method) continue;
      const have = grant.permissions[route.scope];
      if (have === 'none' || (route.access === 'write' && have !== 'write')) {
        throw new ApiError(403, 'Resource not accessible by integration');
      }
      const params = m.slice(1).map((p) => decodeURIComponent(p ?? ''));
      return route.handle({ url, params, body, grant });
    }
    // Unknown paths, and unsupported methods on known ones, are 404s on GitHub too.
    throw notFound();
  }

  // ── routes ──────────────────────────────────────────────────────────────────────────────────────────

  private buildRoutes(): Route[] {
    const r = (
      method: string,
      pattern: RegExp,
      scope: keyof TokenPermissions,
      access: 'read' | 'write',
      handle: (ctx: RouteContext) => Promise<Reply>,
    ): Route => ({ method, pattern, scope, access, handle });
    return [
      r('GET', /^$/, 'contents', 'read', async () => ({ status: 200, body: this.repoJson() })),
      r('GET', /^\/git\/ref\/(.+)$/, 'contents', 'read', (c) => this.getRef(c)),
      r('POST', /^\/git\/refs$/, 'contents', 'write', (c) => this.createRef(c)),
      r('PATCH', /^\/git\/refs\/(.+)$/, 'contents', 'write', (c) => this.updateRef(c)),
      r('POST', /^\/git\/blobs$/, 'contents', 'write', (c) => this.createBlob(c)),
      r('GET', /^\/git\/blobs\/([^/]+)$/, 'contents', 'read', (c) => this.getBlob(c)),
      r('POST', /^\/git\/trees$/, 'contents', 'write', (c) => this.createTree(c)),
      r('GET', /^\/git\/trees\/(.+)$/, 'contents', 'read', (c) => this.getTree(c)),
      r('POST', /^\/git\/commits$/, 'contents', 'write', (c) => this.createCommit(c)),
      r('GET', /^\/git\/commits\/([^/]+)$/, 'contents', 'read', (c) => this.getGitCommit(c)),
      r('GET', /^\/compare\/(.+)$/, 'contents', 'read', (c) => this.compare(c)),
      r('GET', /^\/commits\/([^/]+)\/pulls$/, 'contents', 'read', (c) => this.commitPulls(c)),
      r('GET', /^\/pulls\/(\d+)$/, 'pullRequests', 'read', (c) => this.getPull(c)),
      r('GET', /^\/pulls\/(\d+)\/files$/, 'pullRequests', 'read', (c) => this.pullFiles(c)),
      r('GET', /^\/issues\/(\d+)\/comments$/, 'pullRequests', 'read', (c) => this.listComments(c)),
      r('POST', /^\/issues\/(\d+)\/comments$/, 'pullRequests', 'write', (c) => this.createComment(c)),
      r('GET', /^\/issues\/comments\/(\d+)$/, 'pullRequests', 'read', (c) => this.getComment(c)),
      r('PATCH', /^\/issues\/comments\/(\d+)$/, 'pullRequests', 'write', (c) => this.updateComment(c)),
      r('DELETE', /^\/issues\/comments\/(\d+)$/, 'pullRequests', 'write', (c) => this.deleteComment(c)),
    ];
  }

  private get repoApi(): string {
    return `${this.url}/repos/${this.owner}/${this.repo}`;
  }

  private get repoHtml(): string {
    return `${this.serverUrl}/${this.owner}/${this.repo}`;
  }

  private repoJson(): Record<string, unknown> {
    return {
      id: 1296269,
      node_id: nodeId('Repository', 1296269),
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      owner: userJson(this.owner, 'Organization'),
      private: true,
      html_url: this.repoHtml,
      url: this.repoApi,
      default_branch: this.defaultBranch,
    };
  }

  private refJson(ref: string, sha: string): Record<string, unknown> {
    return {
      ref,
      node_id: nodeId('Ref', ref),
      url: `${this.repoApi}/git/${ref}`,
      object: { sha, type: 'commit', url: `${this.repoApi}/git/commits/${sha}` },
    };
  }

  private async getRef({ params }: RouteContext): Promise<Reply> {
    const ref = `refs/${params[0]}`;
    const sha = await this.git_.refSha(ref);
    if (!sha) throw notFound('https://docs.github.com/rest/git/refs#get-a-reference');
    return { status: 200, body: this.refJson(ref, sha) };
  }

  private async createRef({ body }: RouteContext): Promise<Reply> {
    const { ref, sha } = (body ?? {}) as { ref?: unknown; sha?: unknown };
    if (typeof ref !== 'string' || !/^refs\/.+\/.+/.test(ref)) {
      throw new ApiError(422, 'Reference name must start with refs/ and contain at least two slashes');
    }
    if (typeof sha !== 'string' || (await this.git_.objectType(sha)) !== 'commit') {
      throw new ApiError(422, 'Object does not exist');
    }
    if (!(await this.git_.updateRef(ref, sha, ZERO_SHA))) throw new ApiError(422, 'Reference already exists');
    return { status: 201, body: this.refJson(ref, sha) };
  }

  private async updateRef({ params, body }: RouteContext): Promise<Reply> {
    const ref = `refs/${params[0]}`;
    const { sha, force } = (body ?? {}) as { sha?: unknown; force?: unknown };
    if (typeof sha !== 'string') throw validationFailed('Reference', 'sha', 'missing_field');
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.git_.refSha(ref);
      if (!current) throw new ApiError(422, 'Reference does not exist');
      if ((await this.git_.objectType(sha)) !== 'commit') throw new ApiError(422, 'Object does not exist');
      if (force !== true && current !== sha && !(await this.git_.isAncestor(current, sha))) {
        throw new ApiError(422, 'Update is not a fast forward', {
          documentationUrl: 'https://docs.github.com/rest/git/refs#update-a-reference',
        });
      }
      // Compare-and-swap: another writer between our check and the update sends us round again.
      if (await this.git_.updateRef(ref, sha, current)) return { status: 200, body: this.refJson(ref, sha) };
    }
    throw new ApiError(409, 'Reference update conflicted repeatedly');
  }

  private async createBlob({ body }: RouteContext): Promise<Reply> {
    const { content, encoding } = (body ?? {}) as { content?: unknown; encoding?: unknown };
    if (typeof content !== 'string') throw validationFailed('Blob', 'content', 'missing_field');
    const enc = encoding ?? 'utf-8';
    if (enc !== 'utf-8' && enc !== 'utf8' && enc !== 'base64') {
      throw validationFailed('Blob', 'encoding', 'invalid', 'encoding must be utf-8 or base64');
    }
    const bytes = enc === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
    const sha = await this.git_.writeBlob(bytes);
    return { status: 201, body: { sha, url: `${this.repoApi}/git/blobs/${sha}` } };
  }

  private async getBlob({ params }: RouteContext): Promise<Reply> {
    const sha = params[0] as string;
    if ((await this.git_.objectType(sha)) !== 'blob') throw notFound();
    const bytes = await this.git_.readBlob(sha);
    const body = {
      sha,
      node_id: nodeId('Blob', sha),
      size: bytes.length,
      url: `${this.repoApi}/git/blobs/${sha}`,
      content: bytes.toString('base64').replace(/(.{60})/g, '$1\n'),
      encoding: 'base64',
    };
    return { status: 200, body };
  }

  private async treeJson(sha: string, recursive: boolean): Promise<Record<string, unknown>> {
    const entries = await this.git_.readTree(sha, recursive);
    return {
      sha,
      url: `${this.repoApi}/git/trees/${sha}`,
      tree: entries.map((e) => {
        const item: Record<string, unknown> = { path: e.path, mode: e.mode, type: e.type, sha: e.sha };
        if (e.size !== undefined) item.size = e.size;
        if (e.type !== 'commit') item.url = `${this.repoApi}/git/${e.type}s/${e.sha}`;
        return item;
      }),
      truncated: false,
    };
  }

  private async createTree({ body }: RouteContext): Promise<Reply> {
    const { tree, base_tree: baseTree } = (body ?? {}) as { tree?: unknown; base_tree?: unknown };
    if (baseTree !== undefined && baseTree !== null) {
      if (typeof baseTree !== 'string' || (await this.git_.objectType(baseTree)) !== 'tree') {
        throw new ApiError(422, 'Invalid tree info: base_tree is not a tree');
      }
    }
    const sha = await buildTree(this.git_, tree, typeof baseTree === 'string' ? baseTree : undefined);
    return { status: 201, body: await this.treeJson(sha, false) };
  }

  private async getTree({ params, url }: RouteContext): Promise<Reply> {
    const rev = params[0] as string;
    let sha: string | undefined;
    const type = await this.git_.objectType(rev);
    if (type === 'tree') sha = rev;
    else {
      const commit = await this.git_.resolveCommit(rev);
      if (commit) sha = (await this.git_.readCommit(commit))?.tree;
    }
    if (!sha) throw notFound('https://docs.github.com/rest/git/trees#get-a-tree');
    // Any value of `recursive` turns it on, as GitHub documents (`0` and `false` included).
    const recursive = url.searchParams.has('recursive');
    return { status: 200, body: await this.treeJson(sha, recursive) };
  }

  private async createCommit({ body, grant }: RouteContext): Promise<Reply> {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.message !== 'string') throw validationFailed('Commit', 'message', 'missing_field');
    if (typeof b.tree !== 'string') throw validationFailed('Commit', 'tree', 'missing_field');
    if ((await this.git_.objectType(b.tree)) !== 'tree') throw new ApiError(422, 'Tree SHA does not exist');
    const parents = b.parents ?? [];
    if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string')) {
      throw validationFailed('Commit', 'parents', 'invalid');
    }
    for (const parent of parents as string[]) {
      if ((await this.git_.objectType(parent)) !== 'commit') {
        throw new ApiError(422, 'Parent SHA does not exist or is not a commit object');
      }
    }
    const fallback = botIdentity(grant.login);
    const author = identityFrom(b.author) ?? identityFrom(b.committer) ?? fallback;
    const committer = identityFrom(b.committer) ?? (b.author === undefined ? fallback : author);
    const sha = await this.git_.commitTree({
      tree: b.tree,
      parents: parents as string[],
      message: b.message,
      author,
      committer,
    });
    if (b.committer === undefined && b.signature === undefined) this.signedCommits.add(sha);
    const commit = await this.git_.readCommit(sha);
    return { status: 201, body: this.gitCommitJson(commit as CommitObject) };
  }

  private async getGitCommit({ params }: RouteContext): Promise<Reply> {
    const commit = await this.git_.readCommit(params[0] as string);
    if (!commit) throw notFound('https://docs.github.com/rest/git/commits#get-a-commit-object');
    return { status: 200, body: this.gitCommitJson(commit) };
  }

  private verification(sha: string): Record<string, unknown> {
    const verified = this.signedCommits.has(sha);
    return {
      verified,
      reason: verified ? 'valid' : 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    };
  }

  private gitCommitJson(c: CommitObject): Record<string, unknown> {
    return {
      sha: c.sha,
      node_id: nodeId('Commit', c.sha),
      url: `${this.repoApi}/git/commits/${c.sha}`,
      html_url: `${this.repoHtml}/commit/${c.sha}`,
      author: c.author,
      committer: c.committer,
      tree: { sha: c.tree, url: `${this.repoApi}/git/trees/${c.tree}` },
      message: c.message,
      parents: c.parents.map((p) => ({
        sha: p,
        url: `${this.repoApi}/git/commits/${p}`,
        html_url: `${this.repoHtml}/commit/${p}`,
      })),
      verification: this.verification(c.sha),
    };
  }

  private repoCommitJson(c: CommitObject): Record<string, unknown> {
    return {
      sha: c.sha,
      node_id: nodeId('Commit', c.sha),
      commit: {
        author: c.author,
        committer: c.committer,
        message: c.message.replace(/\n$/, ''),
        tree: { sha: c.tree, url: `${this.repoApi}/git/trees/${c.tree}` },
        url: `${this.repoApi}/git/commits/${c.sha}`,
        comment_count: 0,
        verification: this.verification(c.sha),
      },
      url: `${this.repoApi}/commits/${c.sha}`,
      html_url: `${this.repoHtml}/commit/${c.sha}`,
      comments_url: `${this.repoApi}/commits/${c.sha}/comments`,
      author: null,
      committer: null,
      parents: c.parents.map((p) => ({
        sha: p,
        url: `${this.repoApi}/commits/${p}`,
        html_url: `${this.repoHtml}/commit/${p}`,
      })),
    };
  }

  private fileJson(d: DiffEntry, headSha: string): Record<string, unknown> {
    const file: Record<string, unknown> = {
      sha: d.sha,
      filename: d.path,
      status: d.status,
      additions: d.additions,
      deletions: d.deletions,
      changes: d.additions + d.deletions,
      blob_url: `${this.repoHtml}/blob/${headSha}/${d.path}`,
      raw_url: `${this.repoHtml}/raw/${headSha}/${d.path}`,
      contents_url: `${this.repoApi}/contents/${d.path}?ref=${headSha}`,
    };
    if (d.previousPath !== undefined) file.previous_filename = d.previousPath;
    return file;
  }

  private async compare({ params, url }: RouteContext): Promise<Reply> {
    const basehead = params[0] as string;
    const split = basehead.indexOf('...');
    if (split <= 0) throw notFound('https://docs.github.com/rest/commits/commits#compare-two-commits');
    const baseRev = basehead.slice(0, split);
    const headRev = basehead.slice(split + 3);
    const base = await this.git_.resolveCommit(baseRev);
    const head = await this.git_.resolveCommit(headRev);
    if (!base || !head) throw notFound('https://docs.github.com/rest/commits/commits#compare-two-commits');
    const mergeBase = await this.git_.mergeBase(base, head);
    if (!mergeBase) throw new ApiError(404, `No common ancestor between ${baseRev} and ${headRev}.`);
    const ahead = await this.git_.commitsBetween(mergeBase, head);
    const behind = await this.git_.commitsBetween(mergeBase, base);
    const status =
      base === head
        ? 'identical'
        : behind.length === 0
          ? 'ahead'
          : ahead.length === 0
            ? 'behind'
            : 'diverged';
    const paged = url.searchParams.has('per_page') || url.searchParams.has('page');
    let commitShas: string[];
    let link: string | undefined;
    let includeFiles = true;
    if (paged) {
      const page = paginate(ahead, url, { defaultPerPage: 250, maxPerPage: 250 });
      commitShas = page.items;
      link = page.link;
      // "When using paging, the list of changed files is only returned with page 1".
      includeFiles = (Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1) <= 1;
    } else {
      // Unpaged: the last 250 commits, the most recent one last.
      commitShas = ahead.slice(-250);
    }
    const commits = await Promise.all(commitShas.map((s) => this.git_.readCommit(s)));
    const body: Record<string, unknown> = {
      url: `${this.repoApi}/compare/${basehead}`,
      html_url: `${this.repoHtml}/compare/${basehead}`,
      permalink_url: `${this.repoHtml}/compare/${this.owner}:${base}...${this.owner}:${head}`,
      diff_url: `${this.repoHtml}/compare/${basehead}.diff`,
      patch_url: `${this.repoHtml}/compare/${basehead}.patch`,
      base_commit: this.repoCommitJson((await this.git_.readCommit(base)) as CommitObject),
      merge_base_commit: this.repoCommitJson((await this.git_.readCommit(mergeBase)) as CommitObject),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: commits.map((c) => this.repoCommitJson(c as CommitObject)),
    };
    if (includeFiles) {
      const files = await this.git_.diff(mergeBase, head);
      body.files = files.slice(0, COMPARE_FILES_MAX).map((f) => this.fileJson(f, head));
    }
    return { status: 200, body, headers: link ? { link } : {} };
  }

  private async prShas(pr: PullRequestRecord): Promise<{ head: string; base: string }> {
    const head = pr.frozenHeadSha ?? (await this.git_.refSha(`refs/heads/${pr.headRef}`));
    const base = pr.frozenBaseSha ?? (await this.git_.refSha(`refs/heads/${pr.baseRef}`));
    if (!head || !base) throw new ApiError(500, 'Server Error');
    return { head, base };
  }

  private async pullJson(pr: PullRequestRecord, full: boolean): Promise<Record<string, unknown>> {
    const { head, base } = await this.prShas(pr);
    const api = `${this.repoApi}/pulls/${pr.number}`;
    const side = (ref: string, sha: string) => ({
      label: `${this.owner}:${ref}`,
      ref,
      sha,
      user: userJson(this.owner, 'Organization'),
      repo: this.repoJson(),
    });
    const body: Record<string, unknown> = {
      url: api,
      id: 100_000 + pr.number,
      node_id: nodeId('PullRequest', pr.number),
      html_url: `${this.repoHtml}/pull/${pr.number}`,
      diff_url: `${this.repoHtml}/pull/${pr.number}.diff`,
      patch_url: `${this.repoHtml}/pull/${pr.number}.patch`,
      issue_url: `${this.repoApi}/issues/${pr.number}`,
      comments_url: `${this.repoApi}/issues/${pr.number}/comments`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      user: userJson(pr.user, 'User'),
      body: pr.body,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.state === 'closed' ? pr.updatedAt : null,
      merged_at: pr.mergedAt ?? null,
      merge_commit_sha: pr.mergeCommitSha ?? null,
      draft: false,
      head: side(pr.headRef, head),
      base: side(pr.baseRef, base),
      author_association: 'MEMBER',
    };
    if (full) {
      const mergeBase = (await this.git_.mergeBase(base, head)) ?? base;
      const files = await this.git_.diff(mergeBase, head);
      Object.assign(body, {
        merged: pr.merged,
        mergeable: pr.state === 'open' ? true : null,
        merged_by: pr.merged ? userJson(pr.user, 'User') : null,
        comments: this.issueComments.filter((c) => c.issueNumber === pr.number).length,
        commits: (await this.git_.commitsBetween(mergeBase, head)).length,
        additions: files.reduce((n, f) => n + f.additions, 0),
        deletions: files.reduce((n, f) => n + f.deletions, 0),
        changed_files: files.length,
      });
    }
    return body;
  }

  private pullOr404(raw: string | undefined): PullRequestRecord {
    const pr = this.pulls.get(Number(raw));
    if (!pr) throw notFound('https://docs.github.com/rest/pulls/pulls#get-a-pull-request');
    return pr;
  }

  private async getPull({ params }: RouteContext): Promise<Reply> {
    return { status: 200, body: await this.pullJson(this.pullOr404(params[0]), true) };
  }

  private async pullFiles({ params, url }: RouteContext): Promise<Reply> {
    const pr = this.pullOr404(params[0]);
    const { head, base } = await this.prShas(pr);
    const mergeBase = (await this.git_.mergeBase(base, head)) ?? base;
    // "Responses include a maximum of 3000 files."
    const files = (await this.git_.diff(mergeBase, head)).slice(0, PULL_FILES_MAX);
    const page = paginate(files, url, { defaultPerPage: 30, maxPerPage: 100 });
    return {
      status: 200,
      body: page.items.map((f) => this.fileJson(f, head)),
      headers: page.link ? { link: page.link } : {},
    };
  }

  private async commitPulls({ params }: RouteContext): Promise<Reply> {
    const sha = await this.git_.resolveCommit(params[0] as string);
    if (!sha) throw new ApiError(422, `No commit found for SHA: ${params[0]}`);
    const found: PullRequestRecord[] = [];
    for (const pr of [...this.pulls.values()].sort((a, b) => a.number - b.number)) {
      if (pr.mergeCommitSha === sha) {
        found.push(pr);
        continue;
      }
      const { head, base } = await this.prShas(pr);
      const mergeBase = await this.git_.mergeBase(base, head);
      if ((await this.git_.commitsBetween(mergeBase, head)).includes(sha)) found.push(pr);
    }
    return { status: 200, body: await Promise.all(found.map((pr) => this.pullJson(pr, false))) };
  }

  private commentJson(c: IssueCommentRecord): Record<string, unknown> {
    return {
      id: c.id,
      node_id: nodeId('IssueComment', c.id),
      url: `${this.repoApi}/issues/comments/${c.id}`,
      html_url: `${this.repoHtml}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.repoApi}/issues/${c.issueNumber}`,
      body: c.body,
      user: userJson(c.user, c.user.endsWith('[bot]') ? 'Bot' : 'User'),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.user.endsWith('[bot]') ? 'NONE' : 'MEMBER',
    };
  }

  private issueOr404(raw: string | undefined): number {
    const n = Number(raw);
    if (!this.pulls.has(n)) throw notFound('https://docs.github.com/rest/issues/comments');
    return n;
  }

  private commentBody(body: unknown): string {
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string' || text.length === 0) {
      throw validationFailed('IssueComment', 'body', 'missing_field');
    }
    if (text.length > COMMENT_MAX) {
      throw validationFailed(
        'IssueComment',
        'body',
        'custom',
        `body is too long (maximum is ${COMMENT_MAX} characters)`,
      );
    }
    return text;
  }

  private async listComments({ params, url }: RouteContext): Promise<Reply> {
    const n = this.issueOr404(params[0]);
    const since = url.searchParams.get('since');
    const all = this.issueComments.filter((c) => c.issueNumber === n && (!since || c.updatedAt >= since));
    const page = paginate(all, url, { defaultPerPage: 30, maxPerPage: 100 });
    return {
      status: 200,
      body: page.items.map((c) => this.commentJson(c)),
      headers: page.link ? { link: page.link } : {},
    };
  }

  private async createComment({ params, body, grant }: RouteContext): Promise<Reply> {
    const n = this.issueOr404(params[0]);
    const comment = this.addComment(n, this.commentBody(body), grant.login);
    return {
      status: 201,
      body: this.commentJson(comment),
      headers: { location: `${this.repoApi}/issues/comments/${comment.id}` },
    };
  }

  private commentOr404(raw: string | undefined): IssueCommentRecord {
    const c = this.issueComments.find((x) => x.id === Number(raw));
    if (!c) throw notFound('https://docs.github.com/rest/issues/comments#get-an-issue-comment');
    return c;
  }

  private async getComment({ params }: RouteContext): Promise<Reply> {
    return { status: 200, body: this.commentJson(this.commentOr404(params[0])) };
  }

  private async updateComment({ params, body }: RouteContext): Promise<Reply> {
    const c = this.commentOr404(params[0]);
    c.body = this.commentBody(body);
    c.updatedAt = new Date().toISOString();
    return { status: 200, body: this.commentJson(c) };
  }

  private async deleteComment({ params }: RouteContext): Promise<Reply> {
    const c = this.commentOr404(params[0]);
    this.issueComments.splice(this.issueComments.indexOf(c), 1);
    return { status: 204 };
  }
}

function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) return { status: error.status, body: error.body(), headers: error.headers };
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    body: { message: `Emulator error: ${message}`, documentation_url: 'https://docs.github.com/rest' },
  };
}

/** `/git/ref/heads%2Fmain` (as Octokit sends it) → `/git/ref/heads/main`, for the log and fault matching. */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function nodeId(type: string, id: string | number): string {
  return Buffer.from(`${type}:${id}`).toString('base64').replace(/=+$/, '');
}

function userJson(login: string, type: 'User' | 'Bot' | 'Organization'): Record<string, unknown> {
  const id = [...login].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 100_000_000, 7);
  return { login, id, node_id: nodeId(type, id), type, site_admin: false };
}

function botIdentity(login: string): GitIdentity {
  return login.endsWith('[bot]')
    ? { name: login, email: `41898282+${login}@users.noreply.github.com` }
    : { name: login, email: `${login}@users.noreply.github.com` };
}

function identityFrom(raw: unknown): GitIdentity | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { name, email, date } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || typeof email !== 'string') {
    throw validationFailed('Commit', 'author', 'invalid', 'author needs name and email');
  }
  return typeof date === 'string' ? { name, email, date } : { name, email };
}
