/**
 * The one error every way of failing to read a pstats file ends in: a truncated file, a
 * hostile length, an unsupported marshal type, a dict that is not shaped like pstats.
 * It is a ProfileReadError, so whatever shows unreadable profiles shows these the same way.
 */
import { ProfileReadError } from '../profileHeader';

export class PstatsReadError extends ProfileReadError {
  /** Byte offset in the file where reading failed, when the failure has one. */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = 'PstatsReadError';
    this.offset = offset;
  }
}
