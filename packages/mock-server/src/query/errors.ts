/**
 * Errors thrown inside query actions: the 400 validation failures in the shapes LabKey's
 * ApiResponseWriter writes, shorthands for the common 404/500/401-403 ones, and the exception
 * classes only query actions throw.
 * @module
 */
import { ActionError, ILLEGAL_ARGUMENT_EXCEPTION, NOT_FOUND_EXCEPTION, UNAUTHORIZED_EXCEPTION } from '../errors.js';
import type { QueryUser } from './types.js';

export const QUERY_PARSE = 'org.labkey.api.query.QueryParseException';
export const CONVERSION = 'org.apache.commons.beanutils.ConversionException';
export const DUPLICATE_KEY = 'org.springframework.dao.DuplicateKeyException';

/** The batch-shaped error object: `{exception, errors, errorCount, extraContext}`. */
export type BatchJson = Record<string, unknown> & { errorCount: number };

/** One field-level error inside a {@link ValidationFailure}. */
export interface FieldError {
  id?: string;
  field?: string;
  message: string;
  help?: string;
}

/** The errors of one input row (BatchValidationException entry). */
export interface RowError {
  /** 1-based row number in the input. */
  rowNumber: number;
  row?: object;
  errors: FieldError[];
}

/**
 * A 400 validation failure, in one of LabKey's two shapes:
 * - `spring`: `{success:false, exception, errors:[{id, msg, field, message, severity:"ERROR"}]}`
 *   (form binding errors, and simple ValidationExceptions such as "No 'rows' array supplied.");
 * - `batch`: `{exception, errors:[{exception, errors:[…], schemaName, queryName, row, rowNumber}],
 *   errorCount, extraContext, success:false}` (row validation in insert/update).
 */
export class ValidationFailure extends ActionError {
  readonly kind: 'spring' | 'batch';
  readonly fieldErrors: FieldError[];
  readonly rowErrors: RowError[];
  readonly schemaName: string | undefined;
  readonly queryName: string | undefined;

  private constructor(
    kind: 'spring' | 'batch',
    message: string,
    fieldErrors: FieldError[],
    rowErrors: RowError[],
    schemaName?: string,
    queryName?: string,
  ) {
    super(400, message, kind === 'batch' ? 'org.labkey.api.query.BatchValidationException' : 'org.labkey.api.query.ValidationException');
    this.name = 'ValidationFailure';
    this.kind = kind;
    this.fieldErrors = fieldErrors;
    this.rowErrors = rowErrors;
    this.schemaName = schemaName;
    this.queryName = queryName;
  }

  /** A Spring-errors failure; without field errors the message becomes the single global error. */
  static spring(message: string, errors?: FieldError[]): ValidationFailure {
    return new ValidationFailure('spring', message, errors && errors.length ? errors : [{ message }], []);
  }

  /** A row-validation failure (BatchValidationException). */
  static batch(rowErrors: RowError[], schemaName: string, queryName: string): ValidationFailure {
    const first = rowErrors[0]?.errors[0]?.message ?? '(No error message)';
    return new ValidationFailure('batch', first, [], rowErrors, schemaName, queryName);
  }

  /** The batch-shaped object without `success` (used inside 13.2+ mutation responses). */
  batchJson(): BatchJson {
    return {
      exception: this.message,
      errors: this.rowErrors.map((r) => ({
        exception: r.errors[0]?.message ?? this.message,
        errors: r.errors.map((e) => ({
          ...(e.id !== undefined ? { id: e.id } : {}),
          ...(e.field !== undefined ? { field: e.field } : {}),
          msg: e.message,
          message: e.message,
          ...(e.help !== undefined ? { help: e.help } : {}),
        })),
        schemaName: this.schemaName,
        queryName: this.queryName,
        ...(r.row ? { row: r.row } : {}),
        rowNumber: r.rowNumber,
      })),
      errorCount: this.rowErrors.reduce((n, r) => n + r.errors.length, 0),
      extraContext: {},
    };
  }

  override toBody(): Record<string, unknown> {
    if (this.kind === 'batch') return { ...this.batchJson(), success: false };
    return {
      success: false,
      exception: this.message,
      errors: this.fieldErrors.map((e) => ({
        id: e.id ?? e.field ?? null,
        msg: e.message,
        field: e.field ?? null,
        message: e.message,
        severity: 'ERROR',
        ...(e.help !== undefined ? { help: e.help } : {}),
      })),
    };
  }
}

/** A 404 NotFoundException (unknown schema, query or view). */
export function notFound(message: string): ActionError {
  return new ActionError(404, message, NOT_FOUND_EXCEPTION);
}

/** A 500 IllegalArgumentException (bad parameter, unknown command, not updatable). */
export function illegal(message: string): ActionError {
  return new ActionError(500, message, ILLEGAL_ARGUMENT_EXCEPTION);
}

/** A table the user may not read or change: 401 for guests, 403 for everyone else. */
export function forbidden(user: QueryUser): ActionError {
  return new ActionError(user.guest ? 401 : 403, 'User does not have permission to perform this operation.', UNAUTHORIZED_EXCEPTION);
}
