/**
 * `vdxp-connector/testing`: tools to develop and test an integration without the real axis.
 * @packageDocumentation
 */
export {};
