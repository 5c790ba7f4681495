/**
 * A failed GitHub API call as the user reads it: one warning that says what
 * went wrong and how to fix it, with the token nowhere in it. Octokit's
 * errors carry the request (headers included), so only the status and the
 * API's own message are used, and those are scrubbed too.
 */

/** What the GitHub API said, reduced to what is safe to show. */
export interface ApiFailure {
  /** HTTP status; undefined when no answer came (network error, timeout). */
  status?: number;
  message: string;
}

/** Reads an Octokit RequestError, a fetch failure or a timeout without touching its request. */
export function apiFailureOf(error: unknown): ApiFailure {
  const e = error as {
    name?: string;
    status?: unknown;
    message?: unknown;
    cause?: unknown;
    response?: { status?: unknown; data?: unknown };
  };
  const data = e?.response?.data as { message?: unknown } | string | undefined;
  const apiMessage =
    typeof data === 'string' ? data : typeof data?.message === 'string' ? data.message : undefined;
  if (e?.response && typeof e.response.status === 'number') {
    return { status: e.response.status, message: apiMessage ?? String(e.message ?? '') };
  }
  // Octokit reports "no answer" as status 500 without a response; a timeout is
  // its cause (a DOMException, which is not always `instanceof Error`).
  const timedOut = (x: { name?: unknown } | undefined): boolean =>
    x?.name === 'TimeoutError' || x?.name === 'AbortError';
  if (timedOut(e) || timedOut(e?.cause as { name?: unknown } | undefined)) {
    return { message: 'no answer in time' };
  }
  return { message: deepestMessage(error) };
}

/** fetch says "fetch failed" and Octokit "Unknown Error"; the cause says what happened. */
function deepestMessage(error: unknown): string {
  let message = '';
  let current = error as { message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.message === 'string' && current.message) message = current.message;
    current = typeof current.cause === 'object' ? (current.cause as typeof current) : undefined;
  }
  return message || String(error);
}

/** Worth one more try: the server or the network, not the request. */
export function isTransient(failure: ApiFailure): boolean {
  return failure.status === undefined || failure.status >= 500 || failure.status === 429;
}

export interface FailureContext {
  /** What was being done: `creating the deployment`, `marking deployment 7 success`. */
  action: string;
  repository: string;
  environment: string;
  sha: string;
  token: string;
  /** How many times the call was tried. */
  attempts: number;
}

const PERMISSIONS_FIX = [
  'Let the job write deployments:',
  '  permissions:',
  '    contents: read',
  '    deployments: write',
  '(a personal access token needs the repo_deployment scope).',
].join('\n');

function fixFor(failure: ApiFailure, context: FailureContext): string {
  const { status } = failure;
  if (status === undefined || status >= 500 || status === 429) {
    return `GitHub's API did not answer${context.attempts > 1 ? ` (tried ${context.attempts} times)` : ''}; the next run records its deployment as usual.`;
  }
  if (status === 401) {
    return 'The github-token is not valid (expired or revoked): pass github-token: ${{ github.token }}.';
  }
  if (status === 403 || status === 404) {
    return `${status === 404 ? `The token cannot see ${context.repository}, or cannot write its deployments. ` : ''}${PERMISSIONS_FIX}`;
  }
  if (status === 409 || status === 422) {
    return `Check that ${context.sha.slice(0, 12)} is a commit of ${context.repository} and "${context.environment}" is a valid environment name (the environment input).`;
  }
  return '';
}

/** The token (and anything that looks like a GitHub token) replaced by ***. */
export function scrubToken(text: string, token: string): string {
  let out = token ? text.split(token).join('***') : text;
  out = out.replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***');
  return out.replace(/\b(token|bearer)\s+[A-Za-z0-9_.-]{16,}/gi, '$1 ***');
}

/**
 * `GitHub deployment for production not recorded: creating the deployment
 * answered 403 Resource not accessible by integration. Let the job write …`
 */
export function apiFailureWarning(failure: ApiFailure, context: FailureContext): string {
  const answer =
    failure.status === undefined
      ? `got no answer (${failure.message})`
      : `answered ${failure.status}${failure.message ? ` ${failure.message}` : ''}`;
  const text = [
    `GitHub deployment for ${context.environment} not recorded: ${context.action} ${limit(answer, 300)}.`,
    fixFor(failure, context),
    'The deployment itself is unaffected; no further GitHub API calls are made in this run.',
  ]
    .filter(Boolean)
    .join('\n');
  return scrubToken(text, context.token);
}

function limit(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
