// The error bodies of protocol §2.7, as the engine writes them.
import { ActionError, errorResult, ValidationFailure } from './index.js';

test('ActionError: {exception, exceptionClass, stackTrace, success:false}, class from the status', () => {
  const nf = new ActionError(404, 'gone');
  expect(Object.keys(nf.toBody())).toEqual(['exception', 'exceptionClass', 'stackTrace', 'success']);
  expect(nf.toBody()).toMatchObject({ exception: 'gone', exceptionClass: 'org.labkey.api.view.NotFoundException', success: false });
  expect(new ActionError(500, 'x').exceptionClass).toBe('java.lang.IllegalArgumentException');
  expect(new ActionError(403, 'x').exceptionClass).toBe('org.labkey.api.view.UnauthorizedException');
  expect(new ActionError(500, 'x', 'org.labkey.api.query.QueryParseException').toBody().exceptionClass).toBe('org.labkey.api.query.QueryParseException');
  expect((nf.toBody().stackTrace as string[]).every((l) => typeof l === 'string')).toBe(true);
});

test('ValidationFailure.spring: {success:false, exception, errors:[{id, msg, field, message, severity}]}', () => {
  const v = ValidationFailure.spring('Bad Age', [{ field: 'Age', message: 'Bad Age' }]);
  expect(v.status).toBe(400);
  expect(v.toBody()).toEqual({ success: false, exception: 'Bad Age', errors: [{ id: 'Age', msg: 'Bad Age', field: 'Age', message: 'Bad Age', severity: 'ERROR' }] });
  expect(ValidationFailure.spring('Only a message').toBody()).toEqual({
    success: false,
    exception: 'Only a message',
    errors: [{ id: null, msg: 'Only a message', field: null, message: 'Only a message', severity: 'ERROR' }],
  });
});

test('ValidationFailure.batch: one entry per failing row, errorCount counts field errors', () => {
  const v = ValidationFailure.batch(
    [
      { rowNumber: 1, errors: [{ field: 'A', message: 'a bad' }, { field: 'B', message: 'b bad' }] },
      { rowNumber: 3, row: { C: 1 }, errors: [{ message: 'row bad' }] },
    ],
    'lists',
    'People',
  );
  const b = v.toBody() as any;
  expect(b.exception).toBe('a bad');
  expect(b.errorCount).toBe(3);
  expect(b.errors).toHaveLength(2);
  expect(b.errors[1]).toEqual({ exception: 'row bad', errors: [{ msg: 'row bad', message: 'row bad' }], schemaName: 'lists', queryName: 'People', row: { C: 1 }, rowNumber: 3 });
  expect(b.extraContext).toEqual({});
  expect(b.success).toBe(false);
  expect(v.batchJson()).not.toHaveProperty('success');
});

test('errorResult: anything else is a 500 RuntimeException; look-alike errors keep status and class', () => {
  expect(errorResult(new TypeError('boom'))).toEqual({ status: 500, body: expect.objectContaining({ exception: 'boom', exceptionClass: 'java.lang.RuntimeException', success: false }) });
  expect(errorResult('text')).toEqual({ status: 500, body: expect.objectContaining({ exception: 'text' }) });
  const look = Object.assign(new Error('no'), { status: 404, exceptionClass: 'x.Y' });
  expect(errorResult(look)).toEqual({ status: 404, body: expect.objectContaining({ exception: 'no', exceptionClass: 'x.Y' }) });
  const withBody = { status: 401, toBody: () => ({ success: false, exception: 'custom' }) };
  expect(errorResult(withBody)).toEqual({ status: 401, body: { success: false, exception: 'custom' } });
});
