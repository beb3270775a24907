/** The Map state's own fields: the item processor, item source, concurrency, and the Distributed Map configuration. */
import {
  type Checker,
  type Obj,
  type ScopeValidator,
  type StateCheck,
  at,
  checkEnum,
  checkExclusive,
  checkJsonataPayload,
  checkLanguageFields,
  checkNumberOrExpression,
  checkReferencePath,
  checkRequired,
  checkSupported,
  checkTemplate,
  expectType,
  has,
  item,
} from './validate-check.js';
import { isJsonataExpression } from './validate-paths.js';

const PROCESSOR_CONFIG_FIELDS = new Set(['Mode', 'ExecutionType']);
const READER_FIELDS = new Set(['Resource', 'ReaderConfig', 'Parameters', 'Arguments']);
const READER_CONFIG_FIELDS = new Set(['InputType', 'CSVHeaderLocation', 'CSVHeaders', 'CSVDelimiter', 'MaxItems', 'MaxItemsPath', 'ManifestType']);
const BATCHER_FIELDS = new Set(['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath', 'BatchInput']);
const WRITER_FIELDS = new Set(['Resource', 'Parameters', 'Arguments', 'WriterConfig']);
const WRITER_CONFIG_FIELDS = new Set(['Transformation', 'OutputType']);

const READER_RESOURCE = /^arn:[a-z-]+:states:::s3:(getObject|listObjectsV2)$/;
const WRITER_RESOURCE = /^arn:[a-z-]+:states:::s3:putObject$/;
const MAX_BATCH_BYTES = 262144;
const MAX_LABEL_LENGTH = 40;

export const notRecognized = (resource: string): string =>
  `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`;

/** Checks the Map-specific fields of `s.state` and validates its ItemProcessor / Iterator as a nested scope. */
export function checkMapFields(s: StateCheck, validateScope: ScopeValidator): void {
  const { c, state, loc, jsonata } = s;
  const own = (f: string): boolean => has(state, f) && !s.foreign.has(f);

  checkExclusive(c, state, ['Iterator', 'ItemProcessor'], loc);
  if (!has(state, 'Iterator')) checkRequired(c, state, ['ItemProcessor'], loc);
  for (const f of ['ItemProcessor', 'Iterator']) if (has(state, f)) checkProcessor(s, f, validateScope);

  if (own('ItemsPath')) checkReferencePath(c, state.ItemsPath, at(loc, 'ItemsPath'), 'ItemsPath');
  if (own('Items')) {
    const v = state.Items;
    if (typeof v === 'string' ? !isJsonataExpression(v) : !Array.isArray(v)) {
      c.schema(`The value for the field 'Items' must be a JSON array or a JSONata expression enclosed in '{%' and '%}'`, at(loc, 'Items'));
    }
  }
  checkExclusive(c, state, ['ItemSelector', 'Parameters'], loc);
  if (has(state, 'ItemSelector')) {
    if (jsonata) checkJsonataPayload(c, state.ItemSelector, at(loc, 'ItemSelector'));
    else if (expectType(c, state.ItemSelector, at(loc, 'ItemSelector'), 'OBJECT')) checkTemplate(c, state.ItemSelector, at(loc, 'ItemSelector'));
  }

  checkExclusive(c, state, ['MaxConcurrency', 'MaxConcurrencyPath'], loc);
  if (has(state, 'MaxConcurrency')) checkNumberOrExpression(c, state.MaxConcurrency, at(loc, 'MaxConcurrency'), jsonata, { integer: true, min: 0 });
  if (own('MaxConcurrencyPath')) checkReferencePath(c, state.MaxConcurrencyPath, at(loc, 'MaxConcurrencyPath'), 'MaxConcurrencyPath');

  checkExclusive(c, state, ['ToleratedFailureCount', 'ToleratedFailureCountPath'], loc);
  if (has(state, 'ToleratedFailureCount')) {
    checkNumberOrExpression(c, state.ToleratedFailureCount, at(loc, 'ToleratedFailureCount'), jsonata, { integer: true, min: 0 });
  }
  if (own('ToleratedFailureCountPath')) {
    checkReferencePath(c, state.ToleratedFailureCountPath, at(loc, 'ToleratedFailureCountPath'), 'ToleratedFailureCountPath');
  }
  checkExclusive(c, state, ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'], loc);
  if (has(state, 'ToleratedFailurePercentage')) {
    checkNumberOrExpression(c, state.ToleratedFailurePercentage, at(loc, 'ToleratedFailurePercentage'), jsonata, { integer: false, min: 0, max: 100 });
  }
  if (own('ToleratedFailurePercentagePath')) {
    checkReferencePath(c, state.ToleratedFailurePercentagePath, at(loc, 'ToleratedFailurePercentagePath'), 'ToleratedFailurePercentagePath');
  }

  if (has(state, 'Label') && expectType(c, state.Label, at(loc, 'Label'), 'STRING') && [...(state.Label as string)].length > MAX_LABEL_LENGTH) {
    c.schema(`The value for the field 'Label' must be at most ${MAX_LABEL_LENGTH} characters long`, at(loc, 'Label'));
  }
  if (has(state, 'ItemReader')) checkItemReader(c, state.ItemReader, at(loc, 'ItemReader'), jsonata);
  if (has(state, 'ItemBatcher')) checkItemBatcher(c, state.ItemBatcher, at(loc, 'ItemBatcher'), jsonata);
  if (has(state, 'ResultWriter')) checkResultWriter(c, state.ResultWriter, at(loc, 'ResultWriter'), jsonata);
}

function checkProcessor(s: StateCheck, field: string, validateScope: ScopeValidator): void {
  const { c } = s;
  const loc = at(s.loc, field);
  const processor = s.state[field];
  let express = s.express;
  if (expectType(c, processor, loc, 'OBJECT') && has(processor as Obj, 'ProcessorConfig')) {
    const cfgLoc = at(loc, 'ProcessorConfig');
    const cfg = (processor as Obj).ProcessorConfig;
    if (expectType(c, cfg, cfgLoc, 'OBJECT')) {
      const config = cfg as Obj;
      checkSupported(c, config, PROCESSOR_CONFIG_FIELDS, cfgLoc);
      const modeOk = has(config, 'Mode') && checkEnum(c, config.Mode, at(cfgLoc, 'Mode'), ['INLINE', 'DISTRIBUTED']);
      const distributed = modeOk && config.Mode === 'DISTRIBUTED';
      if (distributed && s.express) {
        c.schema(`The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines`, at(cfgLoc, 'Mode'));
      }
      if (has(config, 'ExecutionType')) {
        if (distributed) checkEnum(c, config.ExecutionType, at(cfgLoc, 'ExecutionType'), ['STANDARD', 'EXPRESS']);
        else c.schema(`Field 'ExecutionType' is not supported`, cfgLoc);
      } else if (distributed) {
        checkRequired(c, config, ['ExecutionType'], cfgLoc);
      }
      // A Distributed Map runs its items as child workflows of their own ExecutionType.
      if (distributed) express = config.ExecutionType === 'EXPRESS';
    }
  }
  validateScope(c, processor, loc, 'processor', express);
}

function checkSourceParameters(c: Checker, o: Obj, loc: string, foreign: Set<string>): void {
  if (has(o, 'Parameters') && !foreign.has('Parameters') && expectType(c, o.Parameters, at(loc, 'Parameters'), 'OBJECT')) {
    checkTemplate(c, o.Parameters, at(loc, 'Parameters'));
  }
  if (has(o, 'Arguments') && !foreign.has('Arguments')) checkJsonataPayload(c, o.Arguments, at(loc, 'Arguments'));
}

function checkItemReader(c: Checker, v: unknown, loc: string, jsonata: boolean): void {
  if (!expectType(c, v, loc, 'OBJECT')) return;
  const reader = v as Obj;
  checkSupported(c, reader, READER_FIELDS, loc);
  const foreign = checkLanguageFields(c, reader, jsonata, ['Parameters'], ['Arguments'], loc, true);
  checkRequired(c, reader, ['Resource'], loc);
  if (has(reader, 'Resource') && expectType(c, reader.Resource, at(loc, 'Resource'), 'STRING') && !READER_RESOURCE.test(reader.Resource as string)) {
    c.schema(notRecognized(reader.Resource as string), at(loc, 'Resource'));
  }
  checkSourceParameters(c, reader, loc, foreign);
  if (!has(reader, 'ReaderConfig')) return;
  const cfgLoc = at(loc, 'ReaderConfig');
  if (!expectType(c, reader.ReaderConfig, cfgLoc, 'OBJECT')) return;
  const cfg = reader.ReaderConfig as Obj;
  checkSupported(c, cfg, READER_CONFIG_FIELDS, cfgLoc);
  const cfgForeign = checkLanguageFields(c, cfg, jsonata, ['MaxItemsPath'], [], cfgLoc, true);
  if (has(cfg, 'InputType')) checkEnum(c, cfg.InputType, at(cfgLoc, 'InputType'), ['CSV', 'JSON', 'JSONL', 'MANIFEST', 'PARQUET']);
  if (has(cfg, 'CSVHeaderLocation')) checkEnum(c, cfg.CSVHeaderLocation, at(cfgLoc, 'CSVHeaderLocation'), ['FIRST_ROW', 'GIVEN']);
  if (has(cfg, 'CSVDelimiter')) checkEnum(c, cfg.CSVDelimiter, at(cfgLoc, 'CSVDelimiter'), ['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB']);
  if (has(cfg, 'ManifestType')) checkEnum(c, cfg.ManifestType, at(cfgLoc, 'ManifestType'), ['ATHENA_DATA', 'S3_INVENTORY']);
  if (has(cfg, 'CSVHeaders') && expectType(c, cfg.CSVHeaders, at(cfgLoc, 'CSVHeaders'), 'ARRAY')) {
    (cfg.CSVHeaders as unknown[]).forEach((h, i) => expectType(c, h, item(at(cfgLoc, 'CSVHeaders'), i), 'STRING'));
  }
  if (has(cfg, 'MaxItems')) checkNumberOrExpression(c, cfg.MaxItems, at(cfgLoc, 'MaxItems'), jsonata, { integer: true, min: 0 });
  if (has(cfg, 'MaxItemsPath') && !cfgForeign.has('MaxItemsPath')) checkReferencePath(c, cfg.MaxItemsPath, at(cfgLoc, 'MaxItemsPath'), 'MaxItemsPath');
}

function checkItemBatcher(c: Checker, v: unknown, loc: string, jsonata: boolean): void {
  if (!expectType(c, v, loc, 'OBJECT')) return;
  const batcher = v as Obj;
  checkSupported(c, batcher, BATCHER_FIELDS, loc);
  const foreign = checkLanguageFields(c, batcher, jsonata, ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath'], [], loc, true);
  checkExclusive(c, batcher, ['MaxItemsPerBatch', 'MaxItemsPerBatchPath'], loc);
  checkExclusive(c, batcher, ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'], loc);
  if (has(batcher, 'MaxItemsPerBatch')) checkNumberOrExpression(c, batcher.MaxItemsPerBatch, at(loc, 'MaxItemsPerBatch'), jsonata, { integer: true, min: 1 });
  if (has(batcher, 'MaxInputBytesPerBatch')) {
    checkNumberOrExpression(c, batcher.MaxInputBytesPerBatch, at(loc, 'MaxInputBytesPerBatch'), jsonata, { integer: true, min: 1, max: MAX_BATCH_BYTES });
  }
  for (const f of ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath']) {
    if (has(batcher, f) && !foreign.has(f)) checkReferencePath(c, batcher[f], at(loc, f), f);
  }
  if (has(batcher, 'BatchInput')) {
    if (jsonata) checkJsonataPayload(c, batcher.BatchInput, at(loc, 'BatchInput'));
    else if (expectType(c, batcher.BatchInput, at(loc, 'BatchInput'), 'OBJECT')) checkTemplate(c, batcher.BatchInput, at(loc, 'BatchInput'));
  }
}

function checkResultWriter(c: Checker, v: unknown, loc: string, jsonata: boolean): void {
  if (!expectType(c, v, loc, 'OBJECT')) return;
  const writer = v as Obj;
  checkSupported(c, writer, WRITER_FIELDS, loc);
  const foreign = checkLanguageFields(c, writer, jsonata, ['Parameters'], ['Arguments'], loc, true);
  if (!has(writer, 'Resource') && !has(writer, 'WriterConfig')) {
    c.schema('These fields are required: [Resource] or [WriterConfig]', loc);
    return;
  }
  if (has(writer, 'Resource')) {
    if (expectType(c, writer.Resource, at(loc, 'Resource'), 'STRING') && !WRITER_RESOURCE.test(writer.Resource as string)) {
      c.schema(notRecognized(writer.Resource as string), at(loc, 'Resource'));
    }
    checkRequired(c, writer, [jsonata ? 'Arguments' : 'Parameters'], loc);
  }
  checkSourceParameters(c, writer, loc, foreign);
  if (has(writer, 'Parameters') && !foreign.has('Parameters') && typeof writer.Parameters === 'object' && writer.Parameters !== null) {
    const params = writer.Parameters as Obj;
    for (const f of ['Bucket', 'Prefix']) if (has(params, f)) expectType(c, params[f], at(at(loc, 'Parameters'), f), 'STRING');
  }
  if (!has(writer, 'WriterConfig')) return;
  const cfgLoc = at(loc, 'WriterConfig');
  if (!expectType(c, writer.WriterConfig, cfgLoc, 'OBJECT')) return;
  const cfg = writer.WriterConfig as Obj;
  checkSupported(c, cfg, WRITER_CONFIG_FIELDS, cfgLoc);
  checkRequired(c, cfg, ['Transformation', 'OutputType'], cfgLoc);
  if (has(cfg, 'Transformation')) checkEnum(c, cfg.Transformation, at(cfgLoc, 'Transformation'), ['NONE', 'COMPACT', 'FLATTEN']);
  if (has(cfg, 'OutputType')) checkEnum(c, cfg.OutputType, at(cfgLoc, 'OutputType'), ['JSON', 'JSONL']);
}
