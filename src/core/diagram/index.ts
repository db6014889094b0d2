/** Diagrams of a report as mermaid text: the data flows and the timeline. */
export { dataFlowDiagram, DEFAULT_MAX_EDGES, domainOf, flowRisk, unprotected, withoutConsent, type Collapse, type DataFlowDiagram, type DataFlowOptions, type Risk } from './dataflow';
export { timelineDiagram, type TimelineDiagram, type TimelineItem, type TimelineOptions } from './timeline';
export { escapeMermaid, mermaidText, truncate } from './escape';
export { redactionMask, REDACTED } from './mask';
