import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, which `scripts/setup-chromium` installs. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Without the networking flags Chromium contacts Google's services when it starts. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SETUP_SCRIPT = fileURLToPath(new URL('../../../../scripts/setup-chromium', import.meta.url));

/**
 * Makes sure Chromium is installed, running `scripts/setup-chromium` when it is not, and fails
 * with what to do when it cannot be installed.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  try {
    execFileSync(SETUP_SCRIPT, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
  } catch (cause) {
    const stderr = (cause as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(
      `the HTML report's browser test needs Chromium at ${CHROMIUM_PATH}, and ${SETUP_SCRIPT} could not install it${
        stderr !== '' ? `:\n${stderr}` : ''
      }\nInstall it (Debian/Ubuntu: \`sudo apt-get install chromium\`) and run the tests again.`,
      { cause },
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${SETUP_SCRIPT} finished but ${CHROMIUM_PATH} is still missing`);
  }
  return CHROMIUM_PATH;
}

/** Launches headless Chromium (installing it first if needed). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: ARGS });
}
