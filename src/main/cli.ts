export async function main(argv: string[]): Promise<number> {
  console.log('bosun', argv);
  return 0;
}
