/** Settles like promise, or rejects with Error(message) if it has not settled within ms. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = `no answer in ${ms} ms`): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
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
