export default async function globalTeardown() {
  await globalThis.__bosunRedis?.stop();
}
