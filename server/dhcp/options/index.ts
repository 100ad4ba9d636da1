// Configured DHCP options: the catalogue of Kea names, `data` parsing, and compiling entries.
export type { CompiledOption, CompileResult, OptionProblem, OptionType, PlainOption } from './types.ts';
export { OPTION_TYPES } from './types.ts';
export { compileOptionEntries, compilePlainOptions, label as optionLabel, plainOption } from './compile.ts';
export { decodeOptionData, parseOptionData, MAX_OPTION_DATA } from './data.ts';
export {
  definitionByCode,
  definitionByName,
  managedReason,
  optionDefinitions,
  type OptionDefinition,
} from './catalogue.ts';
