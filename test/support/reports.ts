/** Small report texts shared by unit tests. */

/** A minimal valid front matter (with its `---` lines) titled `title`; `extra` is YAML added before the closing line. */
export function frontMatter(title: string, extra = ''): string {
  return `---\naudit-format: 1\nid: T-1\ntitle: ${title}\nstatus: draft\ndate: 2014-10-24\nauditors: [A]\n${extra}---\n`;
}

/** A report with one evidence record naming `capture.pcap` (a file that does not exist) and a made-up hash. */
export function evidenceReport(title: string, extra = ''): string {
  return `${frontMatter(title, extra)}# Report\n\n\`\`\`evidence\nid: E1\nfile: capture.pcap\nkind: pcap\nsha256: ${'0'.repeat(64)}\n\`\`\`\n`;
}
