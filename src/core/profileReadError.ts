/** The one error for a profile file that cannot be used: its message is shown to the user as it is. */
export class ProfileReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileReadError';
  }
}
