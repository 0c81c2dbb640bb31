// Prints {"executablePath", "args", "version"} of the headless Chromium that npm
// @sparticuz/chromium ships, unpacked once into a directory of its own.
//
// The package unpacks into os.tmpdir() and takes any `chromium` file already there as done, so
// two runs unpacking at the same time could hand out a half-written binary. This script unpacks
// into a private directory and renames it into place when complete; a run that finds the
// complete directory reuses it. SANZHI_CHROMIUM_DIR overrides where it goes.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// the package exports only its entry point (build/index.js, or build/esm/index.js in later
// releases): its own package.json is the nearest one above it that names it
function packageVersion(name) {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8"));
      if (parsed.name === name) return parsed.version;
    }
  }
  throw new Error(`no package.json of ${name} above its entry point`);
}
const version = packageVersion("@sparticuz/chromium");
const target = process.env.SANZHI_CHROMIUM_DIR || join(tmpdir(), `sanzhi-chromium-${version}-${userInfo().uid}`);
const done = join(target, ".complete");

const { default: chromium } = await import("@sparticuz/chromium");

if (!existsSync(done)) {
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  process.env.TMPDIR = partial; // os.tmpdir() reads it on every call: the package unpacks here
  await chromium.executablePath();
  writeFileSync(join(partial, ".complete"), `${version}\n`);
  try {
    renameSync(partial, target);
  } catch (error) {
    // another run finished first (or a stale incomplete directory is in the way)
    if (existsSync(done)) {
      rmSync(partial, { recursive: true, force: true });
    } else {
      rmSync(target, { recursive: true, force: true });
      renameSync(partial, target);
    }
  }
}

process.stdout.write(
  JSON.stringify({ executablePath: join(target, "chromium"), args: chromium.args, version }) + "\n",
);
