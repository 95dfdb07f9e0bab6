import { expectTypeOf, test } from 'vitest';
import type { EdocMessage, StatusMessage, EdxmlMessage, Organization, ParsedEdxml } from '../../src/index.js';

test('model types are inferred from the schemas', () => {
  expectTypeOf<EdocMessage['kind']>().toEqualTypeOf<'edoc'>();
  expectTypeOf<StatusMessage['statusCode']>().toEqualTypeOf<string>();
  expectTypeOf<Organization['organId']>().toEqualTypeOf<string>();
  expectTypeOf<Organization['email']>().toEqualTypeOf<string | undefined>();
  expectTypeOf<EdocMessage['to']>().toEqualTypeOf<Organization[]>();
  expectTypeOf<EdocMessage['attachments'][number]['data']>().toExtend<Uint8Array>();
  expectTypeOf<EdxmlMessage>().toEqualTypeOf<EdocMessage | StatusMessage>();
  expectTypeOf<ParsedEdxml['warnings']>().toBeArray();
});
