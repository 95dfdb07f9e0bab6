/**
 * `vdxp-connector/testing`: tools to develop and test an integration without the real axis.
 * @packageDocumentation
 */

// --- transport: LocalAxis, a local axis server --------------------------------------------
export { LocalAxis } from './local-axis.js';
export {
  AxisConfigSchema,
  LocalAxisOptionsSchema,
  LocalSystemConfigSchema,
  LocalAgencyConfigSchema,
  ParentAxisConfigSchema,
  FaultsSchema,
  resolveLocalAxisOptions,
  type AxisConfig,
  type LocalAxisOptions,
  type ResolvedLocalAxisOptions,
  type LocalSystemConfig,
  type LocalAgencyConfig,
  type ParentAxisConfig,
  type Faults,
  type ResolvedFaults,
} from './local-axis-options.js';
