/** Diagrams of a report as mermaid text (the data flows and the timeline), and the timeline as HTML. */
export { dataFlowDiagram, DEFAULT_MAX_EDGES, domainOf, flowRisk, unprotected, withoutConsent, type Collapse, type DataFlowDiagram, type DataFlowOptions, type Risk } from './dataflow';
export { collectTimeline, timelineDiagram, type TimelineDetail, type TimelineDiagram, type TimelineEvent, type TimelineItem, type TimelineOptions } from './timeline';
export { escapeMermaid, mermaidText, truncate } from './escape';
export { redactionMask, REDACTED } from './mask';
export { timelineHtml, DEFAULT_MAX_TIMELINE_EVENTS, type TimelineHtml, type TimelineHtmlOptions } from './timeline-html';
