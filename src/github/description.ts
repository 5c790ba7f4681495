/**
 * The one-line descriptions GitHub shows on a deployment and its statuses.
 * Pure: report in, text out. The API refuses descriptions over 140
 * characters, so every text leaves here already cut to fit.
 */
import type { DeploymentReport } from '../report/deployment-report.js';

export const MAX_DESCRIPTION = 140;

/** One line of at most 140 characters; `suffix` (the part that matters most) is kept whole. */
export function fitDescription(text: string, suffix = ''): string {
  const head = Array.from(oneLine(text).trim());
  const tail = Array.from(oneLine(suffix));
  if (head.length + tail.length <= MAX_DESCRIPTION) return head.join('') + tail.join('');
  if (tail.length >= MAX_DESCRIPTION) return tail.slice(0, MAX_DESCRIPTION - 1).join('') + '…';
  const room = MAX_DESCRIPTION - tail.length - 1;
  return head.slice(0, room).join('').trimEnd() + '…' + tail.join('');
}

/** Newlines and runs of blanks become one space: the Environments page shows one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function shortCommit(commit: string | undefined): string {
  return commit ? ` (commit ${commit.slice(0, 7)})` : '';
}

/**
 * The failure in the fewest words: the timing and the default allowed codes
 * cost characters the rollback note needs.
 */
function failureHead(report: DeploymentReport): string {
  const message = report.failure?.message ?? `deployment ${report.deploymentId} ${report.status}`;
  return message
    .replace(/ \(allowed: 0\)/, '')
    .replace(/ after \d+(\.\d+)? s( and was killed)?$/, (_, _d, killed?: string) =>
      killed ? ' and was killed' : '',
    )
    .trim();
}

/**
 * `ValidateService: scripts/check.sh exited 3 — rolled back to d-ABC (commit 1a2b3c4)`,
 * or `Deployed d-ABC (commit 1a2b3c4) to production on web-1`.
 */
export function deploymentDescription(report: DeploymentReport): string {
  switch (report.status) {
    case 'succeeded':
      return fitDescription(
        `Deployed ${report.deploymentId}${shortCommit(report.commit)} to ${report.group} on ${report.host}`,
      );
    case 'cancelled':
      return fitDescription(`Cancelled: ${failureHead(report)}`);
    case 'rolled-back': {
      const rollback = report.rollback;
      const target = rollback
        ? `${rollback.deploymentId}${shortCommit(rollback.commit)}`
        : 'the last good revision';
      return fitDescription(failureHead(report), ` — rolled back to ${target}`);
    }
    case 'failed':
      if (report.rollback) {
        return fitDescription(
          failureHead(report),
          ` — rollback ${report.rollback.deploymentId} failed too`,
        );
      }
      return fitDescription(failureHead(report));
  }
}

/** What `ship` tells about one host; FleetReport's hosts have this shape. */
export interface HostOutcome {
  label: string;
  status: string;
  failedEvent?: string | null;
}

/**
 * One deployment stands for the whole fleet: `2 of 3 hosts succeeded; web-3
 * rolled back at ValidateService`. Succeeded hosts are only counted, so the
 * hosts that need attention fit in 140 characters.
 */
export function fleetDescription(hosts: readonly HostOutcome[]): string {
  const succeeded = hosts.filter((h) => h.status === 'succeeded');
  if (hosts.length > 0 && succeeded.length === hosts.length) {
    return fitDescription(
      `All ${hosts.length} host${hosts.length === 1 ? '' : 's'} succeeded: ${hosts.map((h) => h.label).join(', ')}`,
    );
  }
  const others = hosts
    .filter((h) => h.status !== 'succeeded')
    .map(
      (h) =>
        `${h.label} ${h.status.replace(/-/g, ' ')}${h.failedEvent ? ` at ${h.failedEvent}` : ''}`,
    );
  return fitDescription(
    `${succeeded.length} of ${hosts.length} hosts succeeded; ${others.join('; ')}`,
  );
}
