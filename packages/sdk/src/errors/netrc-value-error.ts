import { ErrorCodes, LabKeyError, type LabKeyErrorOptions } from './labkey-error.js';

/** What makes a value unsafe to write into a netrc file. @public */
export type NetrcValueProblem =
  | 'empty'
  | 'line-break'
  | 'whitespace'
  | 'non-ascii-space'
  | 'control'
  | 'quote'
  | 'backslash'
  | 'comment-start'
  | 'keyword';

const WHY: Record<NetrcValueProblem, string> = {
  empty: 'it is empty (readers would take the next word as the value)',
  'line-break': 'it holds a line break',
  whitespace: 'it holds a space or tab (readers would split it)',
  'non-ascii-space': 'it holds a non-ASCII space (readers disagree on where it ends)',
  control: 'it holds a control character',
  quote: 'it holds a double quote (Python and curl unquote it, Java does not)',
  backslash: 'it holds a backslash (Python reads an escape, curl and Java a backslash)',
  'comment-start': 'it starts with # (curl 7.88 reads a comment there)',
  keyword: 'it is a netrc keyword (machine, login, password, …)',
};

/**
 * A value the netrc writer refuses: some netrc reader (Python's `netrc`, curl/libcurl, LabKey's
 * Java client) would split or misread it, so writing it would store a key other tools read
 * differently. Code `LK_INVALID_ARGUMENT` (bad input, like InvalidArgumentError); `field` and
 * `problem` say which value and why. The message never holds the value.
 * @public
 */
export class NetrcValueError extends LabKeyError {
  override readonly name = 'NetrcValueError';
  readonly field: 'machine' | 'login' | 'password' | 'account';
  readonly problem: NetrcValueProblem;

  constructor(field: NetrcValueError['field'], problem: NetrcValueProblem, options: LabKeyErrorOptions = {}) {
    super(ErrorCodes.INVALID_ARGUMENT, `netrc ${field} cannot be written: ${WHY[problem]}`, {
      hint: options.hint ?? `Every netrc reader must read the ${field} the same way: pass a ${field} without such characters.`,
      cause: options.cause,
    });
    this.field = field;
    this.problem = problem;
  }
}
