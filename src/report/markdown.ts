/** Small Markdown helpers for step summaries (GitHub-flavoured). */

/** Escapes text for a table cell: pipes and newlines would break the row. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function code(text: string): string {
  return text ? `\`${text.replace(/`/g, 'ˋ')}\`` : '';
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Text inside a Mermaid label: quotes and angle brackets would end or break it. */
export function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** A fenced block whose fence is longer than any run of backticks inside. */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** A short commit, linked to its page when the repository and server are known. */
export function commitLink(revision: {
  commit?: string;
  repository?: string;
  serverUrl?: string;
}): string {
  if (!revision.commit) return 'unknown';
  const short = code(revision.commit.slice(0, 12));
  if (revision.repository && revision.serverUrl) {
    return `[${short}](${revision.serverUrl}/${revision.repository}/commit/${revision.commit})`;
  }
  return short;
}
