/**
 * One "sticky" comment per pull request and purpose: found again by a hidden HTML marker at the start of
 * its body, edited in place, never posted twice.
 */
import type { GitHubClient, GitHubRepo } from './github-client.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

/** GitHub rejects issue comment bodies longer than this many characters. */
export const GITHUB_COMMENT_MAX_LENGTH = 65_536;

/** The hidden marker for a purpose, e.g. `commentMarker('plan')` → `<!-- efs-dr:plan -->`. */
export function commentMarker(purpose: string): string {
  if (!/^[a-z0-9][a-z0-9:._-]*$/i.test(purpose))
    throw new Error(`invalid comment marker purpose: ${purpose}`);
  return `<!-- efs-dr:${purpose} -->`;
}

/**
 * Cuts a body to at most `maxLength` characters, ending with a note that it was cut. Closes an open code
 * fence and `<details>` blocks so the rest of the page still renders. Use the plan renderer's own budget
 * first (it drops whole sections); this is the last line of defence for any body.
 */
export function fitCommentBody(body: string, maxLength = GITHUB_COMMENT_MAX_LENGTH): string {
  if (body.length <= maxLength) return body;
  const note = "\n\n… (truncated to fit GitHub's limit of 65,536 characters per comment)";
  let cut = body.slice(0, Math.max(0, maxLength - note.length - 200));
  // Do not end inside a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const fences = cut.match(/^(`{3,}|~{3,})/gm) ?? [];
  let closing = '';
  if (fences.length % 2 === 1) closing += `\n${fences[fences.length - 1]}`;
  const opened = (cut.match(/<details>/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < opened; i++) closing += '\n</details>';
  return `${cut}${closing}${note}`.slice(0, maxLength);
}

export interface StickyCommentOptions extends GitHubRepo {
  /** Issue or pull request number. */
  issueNumber: number;
  /** Hidden marker identifying our comment, from `commentMarker()`. */
  marker: string;
  /** Markdown; the marker is put on the first line when the body does not start with it. */
  body: string;
  logger?: Logger;
}

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

/**
 * Creates the marked comment, or edits the existing one in place (scanning every page of the issue's
 * comments). When several carry the marker (e.g. two runs raced), the oldest is kept up to date.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  options: StickyCommentOptions,
): Promise<StickyCommentResult> {
  const logger = options.logger ?? silentLogger;
  const { owner, repo, issueNumber, marker } = options;
  if (!marker.startsWith('<!--') || !marker.endsWith('-->')) {
    throw new Error(`sticky comment marker must be an HTML comment, got ${JSON.stringify(marker)}`);
  }
  const body = fitCommentBody(options.body.startsWith(marker) ? options.body : `${marker}\n${options.body}`);
  const existing = await findMarkedComment(client, options);
  if (existing) {
    if (existing.body === body) {
      logger.info(`Comment on #${issueNumber} is already up to date (${existing.html_url})`);
      return { action: 'unchanged', id: existing.id, url: existing.html_url };
    }
    const updated = await client.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    logger.info(`Updated comment on #${issueNumber}: ${updated.data.html_url}`);
    return { action: 'updated', id: updated.data.id, url: updated.data.html_url };
  }
  const created = await client.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  logger.info(`Commented on #${issueNumber}: ${created.data.html_url}`);
  return { action: 'created', id: created.data.id, url: created.data.html_url };
}

/** The oldest comment on the issue whose body starts with the marker, if any. */
export async function findMarkedComment(
  client: GitHubClient,
  options: GitHubRepo & { issueNumber: number; marker: string },
): Promise<{ id: number; body: string; html_url: string } | undefined> {
  const { owner, repo, issueNumber, marker } = options;
  for await (const page of client.paginate.iterator(client.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  })) {
    for (const comment of page.data) {
      if (comment.body?.startsWith(marker)) {
        return { id: comment.id, body: comment.body, html_url: comment.html_url };
      }
    }
  }
  return undefined;
}
