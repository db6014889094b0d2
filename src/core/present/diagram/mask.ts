/** The diagrams mask their labels with the report's redaction (src/core/redact). */
export { redactionMask, REDACTED } from '../../redact';
