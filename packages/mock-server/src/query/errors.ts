/**
 * Errors thrown inside query actions, with the bodies LabKey's ApiResponseWriter writes for them
 * (protocol §2.7).
 * @module
 */

export const NOT_FOUND = 'org.labkey.api.view.NotFoundException';
export const UNAUTHORIZED = 'org.labkey.api.view.UnauthorizedException';
export const ILLEGAL_ARGUMENT = 'java.lang.IllegalArgumentException';
export const QUERY_PARSE = 'org.labkey.api.query.QueryParseException';
export const API_USAGE = 'org.labkey.api.action.ApiUsageException';
export const CONVERSION = 'org.apache.commons.beanutils.ConversionException';
export const DUPLICATE_KEY = 'org.springframework.dao.DuplicateKeyException';

function defaultClass(status: number): string {
  if (status === 404) return NOT_FOUND;
  if (status === 401 || status === 403) return UNAUTHORIZED;
  if (status === 400) return API_USAGE;
  return ILLEGAL_ARGUMENT;
}

/**
 * An exception thrown by an action. `toBody()` gives LabKey's
 * `{exception, exceptionClass, stackTrace, success:false}`; the status is the exception's own
 * (404 for not-found, 401/403 for permission) and 500 for everything else.
 */
export class ActionError extends Error {
  readonly status: number;
  readonly exceptionClass: string;

  constructor(status: number, message: string, exceptionClass?: string) {
    super(message);
    this.name = 'ActionError';
    this.status = status;
    this.exceptionClass = exceptionClass ?? defaultClass(status);
  }

  /** The JSON body LabKey writes for this exception. */
  toBody(): Record<string, unknown> {
    return {
      exception: this.message,
      exceptionClass: this.exceptionClass,
      stackTrace: [`${this.exceptionClass}: ${this.message}`, '\tat org.labkey.mock.query.QueryEngine(mock-server)'],
      success: false,
    };
  }
}

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
  row?: Record<string, unknown>;
  errors: FieldError[];
}

/**
 * A 400 validation failure, in one of LabKey's two shapes (§2.7):
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
  batchJson(): Record<string, unknown> {
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

/** Turn anything thrown inside an action into the status and body LabKey would send. */
export function errorResult(e: unknown): { status: number; body: unknown } {
  if (e instanceof ActionError) return { status: e.status, body: e.toBody() };
  // Errors of the same shape from another module (e.g. the server's own ActionError class, thrown
  // by a virtual table's deleteRows) keep their status and body.
  const like = e as { status?: unknown; toBody?: unknown; message?: unknown; exceptionClass?: unknown } | null;
  if (like && typeof like === 'object' && typeof like.status === 'number' && like.status >= 400 && like.status < 600) {
    if (typeof like.toBody === 'function') return { status: like.status, body: (like.toBody as () => unknown).call(e) };
    const err = new ActionError(like.status, String(like.message ?? ''), typeof like.exceptionClass === 'string' ? like.exceptionClass : undefined);
    return { status: err.status, body: err.toBody() };
  }
  const m = (e as { message?: unknown } | null)?.message;
  const err = new ActionError(500, typeof m === 'string' ? m : String(e), 'java.lang.RuntimeException');
  return { status: 500, body: err.toBody() };
}
