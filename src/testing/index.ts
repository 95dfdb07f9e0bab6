/**
 * `vdxp-connector/testing`: tools to develop and test an integration without the real axis.
 * @packageDocumentation
 */

// edXML writer: sample messages
export { sampleEdoc, sampleStatus } from './sample-messages.js';
