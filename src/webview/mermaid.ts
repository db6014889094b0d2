/** The bundled mermaid (dist/webview/mermaid.min.js, loaded by the page before this script), strict and themed like VS Code. */

interface Mermaid {
  initialize(config: Record<string, unknown>): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}

declare global {
  interface Window {
    mermaid?: Mermaid;
  }
}

/** mermaid's theme for the current VS Code theme (the webview's body class). */
export function mermaidTheme(): string {
  const c = document.body.classList;
  return c.contains('vscode-dark') || c.contains('vscode-high-contrast') ? 'dark' : 'default';
}

let configuredTheme = '';
const cache = new Map<string, string>();
let counter = 0;

function configure(): Mermaid {
  const m = window.mermaid;
  if (!m) throw new Error('mermaid is not loaded');
  const theme = mermaidTheme();
  if (theme !== configuredTheme) {
    m.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme,
      // report text never configures mermaid: these keys can only be set here
      secure: ['secure', 'securityLevel', 'startOnLoad', 'maxTextSize', 'maxEdges', 'theme', 'themeVariables', 'themeCSS', 'fontFamily', 'htmlLabels', 'flowchart', 'dompurifyConfig'],
      maxTextSize: 60_000,
      flowchart: { useMaxWidth: true },
      fontFamily: 'var(--vscode-font-family, sans-serif)',
      // the dark theme's grey behind edge labels leaves its light text short of AA contrast
      ...(theme === 'dark' ? { themeVariables: { edgeLabelBackground: '#333333' } } : {}),
    });
    configuredTheme = theme;
    cache.clear();
  }
  return m;
}

/** The SVG of a diagram; the same source under the same theme is drawn once. */
export async function renderDiagram(source: string): Promise<string> {
  const m = configure();
  const key = `${configuredTheme}\n${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { svg } = await m.render(`pa-diagram-${++counter}`, source);
  cache.set(key, svg);
  return svg;
}

/** Synchronous cache lookup, so unchanged diagrams are put back without a flash. */
export function cachedDiagram(source: string): string | undefined {
  configure();
  return cache.get(`${configuredTheme}\n${source}`);
}
