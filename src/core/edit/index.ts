/** Edit intents for the structured editor: intent + report → minimal text edits. */
export { applyIntent, citationsOf, referencesTo, type ApplyOptions, type FieldValue, type Intent, type IntentResult, type RecordRef } from './intents';
export { applyEdits } from './apply-edits';
export { blockValue, flowValue, isPlainKey } from './serialize';
