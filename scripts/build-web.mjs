// Bundles the browser client (web/src/main.ts + web/src/styles.css) into web/dist with the HTML page, prints the
// gzipped size of all JavaScript and fails when it exceeds the budget. The server serves web/dist under a strict
// CSP, so the page only ever loads external files; the page asks for them with a content hash (`main.js?v=…`) so a
// browser never pairs a new page with an old cached script.
// The installable-app files come last: the icons (drawn by web-icons.mjs), the manifest, and the service worker
// (web/src/sw.ts), which is built after the page because it names the page's exact files and the version of the
// shell it keeps for offline starts.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { appIcons } from './web-icons.mjs';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'web');
const out = join(src, 'dist');
const BUDGET_BYTES = 60 * 1024;

// The reply counter runs the server's own attribution code (server/domain/attribution.ts), which imports the whole
// twitter-text package for `parseTweet`. In the browser we give it just that function, from the package's own ESM
// build, and drop the core-js ES2015 polyfills that build imports for side effects: every browser we support has
// those features natively. Same counting code, about a third of the bytes.
const slimTwitterText = {
  name: 'slim-twitter-text',
  setup(b) {
    b.onResolve({ filter: /^core-js\/modules\// }, (args) => ({ path: args.path, namespace: 'native-feature' }));
    b.onLoad({ filter: /.*/, namespace: 'native-feature' }, () => ({ contents: '', loader: 'js' }));
    b.onResolve({ filter: /^twitter-text$/ }, () => ({ path: 'twitter-text', namespace: 'twitter-text-parse' }));
    b.onLoad({ filter: /.*/, namespace: 'twitter-text-parse' }, () => ({
      contents: "import parseTweet from 'twitter-text/dist/esm/parseTweet.js'; export default { parseTweet };",
      resolveDir: root,
      loader: 'js',
    }));
  },
};

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 10);

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const result = await build({
  entryPoints: { main: join(src, 'src/main.ts'), styles: join(src, 'src/styles.css') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [slimTwitterText],
});

const versions = {};
let jsGzip = 0;
for (const file of result.outputFiles) {
  const name = file.path.slice(out.length + 1);
  versions[name] = hash(file.contents);
  await writeFile(file.path, file.contents);
  if (name.endsWith('.js')) jsGzip += gzipSync(file.contents, { level: 9 }).length;
}

const html = (await readFile(join(src, 'index.html'), 'utf8'))
  .replace('/main.js', `/main.js?v=${versions['main.js']}`)
  .replace('/styles.css', `/styles.css?v=${versions['styles.css']}`);
await writeFile(join(out, 'index.html'), html);

const icons = appIcons();
for (const [name, bytes] of Object.entries(icons)) await writeFile(join(out, name), bytes);
await copyFile(join(src, 'static/manifest.webmanifest'), join(out, 'manifest.webmanifest'));
const shell = [
  '/',
  `/main.js?v=${versions['main.js']}`,
  `/styles.css?v=${versions['styles.css']}`,
  '/manifest.webmanifest',
  ...Object.keys(icons).map((n) => `/${n}`),
];
const worker = await build({
  entryPoints: [join(src, 'src/sw.ts')],
  outfile: join(out, 'sw.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { SHELL: JSON.stringify(shell), SHELL_VERSION: JSON.stringify(hash(html + shell.join())) },
});
for (const file of worker.outputFiles) {
  await writeFile(file.path, file.contents);
  jsGzip += gzipSync(file.contents, { level: 9 }).length;
}

const files = await readdir(out);
const kb = (n) => (n / 1024).toFixed(1);
console.log(`web: built ${files.join(', ')}; JS ${kb(jsGzip)} KB gzipped (budget ${kb(BUDGET_BYTES)} KB)`);
if (jsGzip > BUDGET_BYTES) {
  console.error(`web: JavaScript is ${kb(jsGzip)} KB gzipped, over the ${kb(BUDGET_BYTES)} KB budget`);
  process.exit(1);
}
