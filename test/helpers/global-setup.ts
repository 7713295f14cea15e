/** Servers every test file shares are started here (later: DynamoDB Local, fauxqs). */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => undefined;
}
