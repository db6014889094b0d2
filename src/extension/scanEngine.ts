/**
 * What the capture scan's results view needs from the core, bundled
 * separately (dist/scanEngine.js) and loaded on first use: the flows a scan
 * proposes and the edits that write them. The scan itself runs in
 * dist/scanWorker.js (src/node/capture/worker.ts).
 */
export { proposeFlows, scanEdits, type FlowProposal } from '../core/capture/write';
export { byHost, type CaptureResult, type ScanResult } from '../core/capture/result';
