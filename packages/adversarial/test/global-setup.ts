import { artVenv } from './_art.js';

export default async function setup(): Promise<void> {
  await artVenv();
}
