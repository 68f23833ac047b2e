/**
 * Settles like promise, or rejects with Error(message) if it has not settled within ms;
 * timeoutError makes another kind of error (and may note that the time is up).
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message = `no answer in ${ms} ms`,
  timeoutError: (message: string) => Error = (text) => new Error(text),
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
